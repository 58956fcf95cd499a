package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The writer's compaction steps under load: every ten commits, at least 20 ms apart, and ten times their own length. */
class CompactionPacingTest {

    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aStepIsDueAfterTenCommitsOnce20msHavePassed() {
        CompactionPacing pacing = new CompactionPacing(0);
        for (int i = 1; i < 10; i++) {
            assertThat(pacing.committed(100 * MS)).as("commit %d", i).isFalse();
        }
        assertThat(pacing.committed(100 * MS)).isTrue();

        pacing.stepped(100 * MS, 101 * MS);
        for (int i = 1; i < 10; i++) {
            pacing.committed(102 * MS);
        }
        assertThat(pacing.committed(120 * MS)).as("19 ms after the step").isFalse();
        assertThat(pacing.committed(121 * MS)).as("20 ms after it").isTrue();
    }

    @Test
    void aLongStepIsFollowedByTenTimesItsLengthWithoutSteps() {
        CompactionPacing pacing = new CompactionPacing(0);
        pacing.stepped(0, 5 * MS);
        for (int i = 1; i < 10; i++) {
            pacing.committed(6 * MS);
        }

        assertThat(pacing.committed(25 * MS)).as("20 ms after a 5 ms step").isFalse();
        assertThat(pacing.committed(54 * MS)).as("49 ms after it").isFalse();
        assertThat(pacing.committed(55 * MS)).as("50 ms after it").isTrue();
    }
}
