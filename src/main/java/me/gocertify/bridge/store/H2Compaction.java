package me.gocertify.bridge.store;

import java.sql.Connection;
import java.sql.SQLException;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Moves the live pages out of H2's sparsest chunks, a little at a time, so that those chunks die and
 * their space is written again. H2 does this itself only on its background writer thread, which it
 * runs only with WRITE_DELAY above 0; the bridge sets WRITE_DELAY=0 (each commit is in the file before
 * its answer, {@link Database}), and without this the file grew by nearly every commit: about 100 KB
 * a commit of 14 webhooks (each new key lands in a leaf of the key's index somewhere in the file, and
 * the chunk that held the old leaf is left almost empty, but not empty, so never freed), 840 MB after
 * 15 s of webhook load. It costs throughput: see {@link #TARGET_FILL_RATE}.
 *
 * <p>Uses H2's engine classes: no SQL statement compacts an open database (H2's {@code SHUTDOWN
 * COMPACT} closes it). A connection to H2's TCP server has no engine here and is left alone. One
 * instance a store, used by one thread (the group commit's writer).
 */
final class H2Compaction {

    /**
     * Compacted while the chunks hold less live data than this share of their bytes, the least full
     * first: the file stays within about three times its live data while the steps keep up (under a
     * long burst at full speed they fall behind, to about five times: BENCHMARKS.md, session 11). A
     * higher share moves more pages a commit: in warm accept runs with steps of 256 KB (BENCHMARKS.md,
     * session 10) 50 took the bridge to ~10,900 webhooks/s, 40 to ~14,000, 20 to ~14,900, against
     * ~18,000 without compaction (and a file growing without end).
     */
    static final int TARGET_FILL_RATE = 30;
    /**
     * At most this much of their live pages moved a step: the sparsest chunks hold a few KB each, so a
     * step frees a dozen or more, one commit makes one. The commits waiting meanwhile wait for the step:
     * with 256 KB the p99 at half the peak rate rose from 14 to 15 ms to 23 to 26 ms in accept runs,
     * with 64 KB it stayed at 10 to 11 ms (BENCHMARKS.md, session 10). Most of a step's cost is H2
     * reading its whole chunk list, whatever it moves, yet bigger, rarer steps hold the commits longer:
     * 640 KB every 100 commits took that p99 to 44 to 63 ms (session 11).
     */
    static final int BYTES_A_STEP = 64 * 1024;
    /**
     * The most an idle step may move after idle steps that moved nothing though the chunks were sparse
     * (see {@link #step}): H2 never picks a chunk that alone holds more live data than the step may move.
     */
    static final int MAX_BYTES_AN_IDLE_STEP = 64 * BYTES_A_STEP;

    /** What the next idle step may move: {@link #BYTES_A_STEP} unless the last ones moved nothing. */
    private int bytesNextIdleStep = BYTES_A_STEP;

    /**
     * One step, on the store the connection belongs to. The pages it moved reach the file with the next
     * commit; when {@code idle}, no commit may come soon, so the step writes them itself.
     *
     * <p>H2 picks the chunks to move as the most worth moving whose live data add up to the step's size,
     * dropping the least worth while the sum is over: a chunk whose own live data are over it is dropped
     * too, and with it every chunk less worth than it. When that chunk is the one most worth moving (in
     * GroupCommitTest, chunks of just over 64 KB live, likely written by earlier steps), nothing is left:
     * every step moves nothing, and while no commit comes the file is never compacted further (in 4 of 13
     * runs of that test's compaction alone, the steps stopped for good at about 20% live). So an idle step
     * that moved nothing while the chunks are sparse doubles the next idle one's size, up to {@link
     * #MAX_BYTES_AN_IDLE_STEP}, and a step that moved something sets it back. Steps under load keep {@link
     * #BYTES_A_STEP}: the commits waiting wait for the step, and new chunks soon give H2 others to pick.
     */
    void step(Connection connection, boolean idle) throws SQLException {
        MVStore store = storeOf(connection);
        if (store != null) {
            step(store, idle);
        }
    }

    /** {@link #step(Connection, boolean)} on the store itself. */
    void step(MVStore store, boolean idle) {
        if (store.compact(TARGET_FILL_RATE, idle ? bytesNextIdleStep : BYTES_A_STEP)) {
            bytesNextIdleStep = BYTES_A_STEP;
            if (idle) {
                store.commit();
            }
        } else if (idle && bytesNextIdleStep < MAX_BYTES_AN_IDLE_STEP
                && store.getFileStore().getChunksFillRate() < TARGET_FILL_RATE) {
            bytesNextIdleStep *= 2;
        }
    }

    /** What the next idle step may move, in bytes of live pages. */
    int bytesNextIdleStep() {
        return bytesNextIdleStep;
    }

    /** H2's store behind the connection; null for a connection to H2's TCP server (no engine in this process). */
    static MVStore storeOf(Connection connection) throws SQLException {
        return connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal embedded
                ? embedded.getDatabase().getStore().getMvStore()
                : null;
    }
}
