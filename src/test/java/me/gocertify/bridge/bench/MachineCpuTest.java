package me.gocertify.bridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** How the benchmark tells the cores' time apart during an open loop. */
class MachineCpuTest {

    @Test
    void whatNeitherProcessNorIdlenessTookIsTheRest() {
        MachineCpu before = new MachineCpu(1_000, 10_000, 2_000, 3_000);
        // 1,000 ms of the cores' time since: 400 idle, 300 the server's, 200 the load generator's, so 100 the rest's
        MachineCpu after = new MachineCpu(1_400, 11_000, 2_300, 3_200);

        assertThat(after.sharedSince(before, "bridge"))
                .isEqualTo("the cores' time: bridge 30%, load generator 20%, the rest 10%, idle 40%");
    }

    @Test
    void theRestIsNeverBelowNothingWhenTheProcessesWereChargedMoreThanTheMachineCounted() {
        MachineCpu before = new MachineCpu(0, 0, 0, 0);
        MachineCpu after = new MachineCpu(300, 1_000, 600, 200);

        assertThat(after.sharedSince(before, "bare server"))
                .isEqualTo("the cores' time: bare server 60%, load generator 20%, the rest 0%, idle 30%");
    }

    @Test
    void withoutProcStatItSaysSoInsteadOfDividingByNothing() {
        MachineCpu none = new MachineCpu(0, 0, 0, 0);

        assertThat(none.sharedSince(none, "bridge")).isEqualTo("how the cores were shared not known (no /proc/stat)");
    }

    @Test
    void readsThisMachinesCounters() {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux's /proc, which the benchmark reads");
        long self = ProcessHandle.current().pid();

        MachineCpu now = MachineCpu.now(self);

        assertThat(now.totalMillis()).isPositive().isGreaterThan(now.idleMillis());
        // this JVM as both the server and the load generator: the same process read twice
        assertThat(now.serverMillis()).isPositive();
        assertThat(now.generatorMillis()).isGreaterThanOrEqualTo(now.serverMillis());
    }
}
