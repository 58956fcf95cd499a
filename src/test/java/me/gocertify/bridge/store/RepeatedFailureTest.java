package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import me.gocertify.bridge.support.CapturedLog;

class RepeatedFailureTest {

    @Test
    void aFailureThatComesBackIsSaidOnceAMinuteWithHowOftenItCameMeanwhile() {
        AtomicLong now = new AtomicLong();
        RepeatedFailure failures = new RepeatedFailure(LoggerFactory.getLogger(RepeatedFailureTest.class), "Passes wait", now::get);
        StoreUnavailable failure = new StoreUnavailable("the store did not accept an update", null);
        try (CapturedLog log = CapturedLog.of(RepeatedFailureTest.class)) {
            failures.happened(failure);
            for (int second = 1; second < 60; second++) {
                now.set(TimeUnit.SECONDS.toNanos(second));
                failures.happened(failure);
            }
            assertThat(log.messages()).containsExactly(
                    "Passes wait: the store did not accept an update (while it lasts, said at most once a minute)");

            now.set(TimeUnit.SECONDS.toNanos(60));
            failures.happened(failure);
            assertThat(log.messages()).hasSize(2).last().isEqualTo(
                    "Passes wait: the store did not accept an update (and 59 more times since this was last said, a minute or more ago)");
        }
    }
}
