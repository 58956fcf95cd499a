package me.gocertify.bridge.store;

import java.util.concurrent.TimeUnit;

/**
 * When the group commit's writer takes the next step of {@link H2Compaction} under load: after
 * {@link #COMMITS_A_STEP} commits, and no sooner than {@link #MIN_NANOS_BETWEEN} nor than
 * {@link #SPACING} times as long as the last step took, both counted from the end of that step. The
 * commits waiting meanwhile wait for a step, and a step costs what H2's chunk list holds, whatever it
 * then moves. Written by the writer thread only.
 */
final class CompactionPacing {

    /** Commits between two steps under load (and a step every poll while the writer is idle). */
    static final int COMMITS_A_STEP = 10;
    /**
     * At least this long between two steps. At half the peak (~6,000 webhooks/s, 5 writes a commit) the
     * steps of every 10 commits took 26% of the writer's time, at most one every 20 ms 13 to 14%, the file
     * ending 10 to 15% bigger (BENCHMARKS.md, session 12).
     */
    static final long MIN_NANOS_BETWEEN = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * And at least this many times the last step's length: at most about a tenth of the writer's time
     * in steps. H2 keeps every chunk, one a commit, for its 45 s retention time, so after a while of
     * small commits (one webhook each, ~1,800 a second) a step walks tens of thousands of them and took
     * 13 to 18% of the writer's time under webhook load; spaced this way 8 to 9%, and the bridge accepted
     * 16,235 and 16,227 webhooks/s against 14,263 and 11,290/s, the file 9% and 0.5% bigger after the
     * runs (BENCHMARKS.md, session 16).
     */
    static final int SPACING = 10;

    private int commitsSinceStep;
    private long lastStepEnded;
    private long lastStepLength;

    /** @param now System.nanoTime() when the writer began */
    CompactionPacing(long now) {
        lastStepEnded = now;
    }

    /** A commit is done: whether a step is due now (System.nanoTime()). */
    boolean committed(long now) {
        return ++commitsSinceStep >= COMMITS_A_STEP
                && now - lastStepEnded >= Math.max(MIN_NANOS_BETWEEN, SPACING * lastStepLength);
    }

    /** A step under load was taken, from began to ended (System.nanoTime()). */
    void stepped(long began, long ended) {
        commitsSinceStep = 0;
        lastStepEnded = ended;
        lastStepLength = ended - began;
    }
}
