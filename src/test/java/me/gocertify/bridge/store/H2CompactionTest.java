package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steps of the compaction, on a store file of H2's own, without SQL in between. */
class H2CompactionTest {

    @TempDir
    Path dir;

    @Test
    void aSparseChunkHoldingMoreLiveDataThanAStepIsMovedByLargerIdleSteps() {
        try (MVStore store = new MVStore.Builder().fileName(dir.resolve("store.mv.db").toString()).autoCommitDisabled().open()) {
            // as H2's SQL engine keeps its store (no old versions), and no retention time, so nothing waits
            store.setVersionsToKeep(0);
            store.setRetentionTime(0);
            MVMap<Integer, byte[]> map = store.openMap("data");
            // a first chunk of about 1 MB, of which the leaves for the last 150 keys stay live: ~150 KB
            for (int key = 0; key < 1_000; key++) {
                map.put(key, new byte[1_000]);
            }
            store.commit();
            for (int key = 0; key < 850; key++) {
                map.remove(key);
            }
            store.commit();
            // H2 leaves the chunk of the version before the latest alone
            store.openMap("other").put(1, new byte[1]);
            store.commit();
            assertThat(store.getFileStore().getChunksFillRate()).isLessThan(H2Compaction.TARGET_FILL_RATE);
            // H2 alone: the one chunk worth moving holds more than a step, so a step of that size moves nothing
            assertThat(store.compact(H2Compaction.TARGET_FILL_RATE, H2Compaction.BYTES_A_STEP)).isFalse();

            H2Compaction compaction = new H2Compaction();
            // under load, a step of 64 KB moves nothing either; idle, 64 KB, 128 KB, then 256 KB moves it
            compaction.step(store, false);
            assertThat(compaction.bytesNextIdleStep()).isEqualTo(H2Compaction.BYTES_A_STEP);
            for (int step = 0; step < 10 && store.getFileStore().getChunksFillRate() < H2Compaction.TARGET_FILL_RATE; step++) {
                compaction.step(store, true);
            }

            assertThat(store.getFileStore().getChunksFillRate()).isGreaterThanOrEqualTo(H2Compaction.TARGET_FILL_RATE);
            assertThat(compaction.bytesNextIdleStep()).isEqualTo(H2Compaction.BYTES_A_STEP);
            assertThat(map.size()).isEqualTo(150);
        }
    }
}
