package me.gocertify.bridge.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes from many threads committed together: one writer thread puts every piece of work that
 * arrived while it was committing the previous ones into one transaction, and each caller gets its
 * answer only once that transaction has committed, so the answer still means "written durably". On
 * H2 every commit writes a new chunk of the store, whatever it holds (measured here: ten threads each
 * committing its own insert, 700 to 2,300 inserts a second at 1 to 1.5 ms of CPU each; one thread
 * committing 50 at a time, 28,000 a second at 0.08 ms). A lone write waits for nobody.
 *
 * <p>Webhooks' inserts and delivery outcomes go through it. Each caller's work runs under its own
 * savepoint when others share the transaction, so a failure undoes that work alone and the rest
 * still commit. Between commits the writer also takes the steps of H2's file compaction
 * ({@link H2Compaction}), which H2 itself does not take with WRITE_DELAY=0. For H2 only: PostgreSQL
 * groups its commits itself. Written here because Camel's Aggregator batches messages but cannot hold
 * each request until the batch it joined has committed.
 */
public final class GroupCommit extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final String JOB_SAVEPOINT = "group_commit_job";

    /** One caller's work and the answer it waits for. */
    private static final class Job<T> {
        private final Jdbc.Work<T> work;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;
        private Exception failure;

        Job(Jdbc.Work<T> work) {
            this.work = work;
        }

        /** Runs the work in the shared transaction; a failure is kept for its caller and, when not alone, undone. */
        void runIn(Connection c, boolean alone) throws SQLException {
            // named, and always the same name: H2 parses each statement text once and keeps it, but an unnamed
            // savepoint gets a new name (so a new text, parsed again) every time; setting it again moves it here
            Savepoint before = alone ? null : c.setSavepoint(JOB_SAVEPOINT);
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                if (alone) {
                    throw e;
                }
                c.rollback(before);
                failure = e instanceof SQLException ? new StoreUnavailable("the store did not accept a write", e) : e;
            }
        }

        void committed() {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(result);
            }
        }
    }

    private final DataSource dataSource;
    private final Jdbc store;
    private final int maxBatch;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private Thread writer;
    // written by the writer thread only; read for the metrics
    private volatile long commits;
    private volatile long writes;
    private volatile long committingNanos;
    private volatile long compactingNanos;
    /** Tried again at every step (ten a second while idle), so logged at most once a minute. */
    private final RepeatedFailure compactionFailures = new RepeatedFailure(LOG, "The store's file could not be compacted");
    /** The steps of H2's compaction, taken by the writer thread only. */
    private final H2Compaction compaction = new H2Compaction();

    /** @param maxBatch at most this many callers' work in one transaction */
    public GroupCommit(DataSource dataSource, int maxBatch) {
        this.dataSource = dataSource;
        this.store = new Jdbc(dataSource);
        this.maxBatch = maxBatch;
    }

    /** Transactions committed so far. */
    public long commits() {
        return commits;
    }

    /** Callers' pieces of work committed so far, a failed and undone one not counted (over {@link #commits()}: how many shared a commit). */
    public long writes() {
        return writes;
    }

    /**
     * Runs the work in the transaction the writer commits next, together with whatever other threads
     * asked for meanwhile, and answers once it has committed. The work must not commit, roll back or
     * keep the connection, and should be short: the others wait for it.
     */
    public <T> T inSharedTransaction(Jdbc.Work<T> work) {
        try {
            return inNextTransaction(work).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : new StoreUnavailable("the store did not accept a write", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("interrupted while the store committed", e);
        }
    }

    /**
     * As {@link #inSharedTransaction}, but answers at once with the result to come: it completes on the
     * writer's thread once the transaction has committed (a caller that must not block goes on from there).
     */
    public <T> CompletableFuture<T> inNextTransaction(Jdbc.Work<T> work) {
        if (stopping) {
            throw new StoreUnavailable("the store is closing", null);
        }
        Job<T> job = new Job<>(work);
        queue.add(job);
        // the time-out only guards against a writer that stopped meanwhile; every failure is a RuntimeException
        return job.done.orTimeout(30, TimeUnit.SECONDS).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                throw new StoreUnavailable("the store did not commit in time", cause);
            }
            throw cause instanceof RuntimeException runtime ? runtime : new StoreUnavailable("the store did not accept a write", cause);
        });
    }

    /**
     * Seconds the writer has spent in transactions so far (running the callers' work and committing it);
     * with {@link #compactingSeconds()}, how busy it is: while both grow together by a second a second,
     * it is the bound and callers queue.
     */
    public double committingSeconds() {
        return committingNanos / 1e9;
    }

    /** Seconds the writer has spent in steps of H2's file compaction so far; the commits waiting meanwhile wait for them. */
    public double compactingSeconds() {
        return compactingNanos / 1e9;
    }

    /** How many callers wait for the next transaction (for tests). */
    int waiting() {
        return queue.size();
    }

    @Override
    protected void doStart() {
        stopping = false;
        writer = new Thread(this::writeUntilStopped, "bridge-db:group-commit");
        writer.setDaemon(true);
        writer.start();
    }

    /** What is queued is still written; what comes later is refused (503, the sender retries). */
    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
        for (Job<?> left = queue.poll(); left != null; left = queue.poll()) {
            left.done.completeExceptionally(new StoreUnavailable("the store is closing", null));
        }
    }

    private void writeUntilStopped() {
        List<Job<?>> batch = new ArrayList<>(maxBatch);
        CompactionPacing pacing = new CompactionPacing(System.nanoTime());
        while (!stopping || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    // idle: a step for what was committed meanwhile, here or by statements committing on
                    // their own (Jdbc.update); a step finds nothing to do at once while the file is full enough
                    compact(true);
                    continue;
                }
                batch.add(first);
                // whatever arrived while the last transaction committed joins this one
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
                long committed = System.nanoTime();
                if (pacing.committed(committed)) {
                    compact(false);
                    pacing.stepped(committed, System.nanoTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                batch.forEach(job -> job.done.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** A step of H2's housekeeping, which WRITE_DELAY=0 switches off (see H2Compaction); a failure waits for the next. */
    private void compact(boolean idle) {
        long began = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            compaction.step(c, idle);
        } catch (SQLException | RuntimeException e) {
            compactionFailures.happened(e);
        } finally {
            compactingNanos += System.nanoTime() - began;
        }
    }

    private void write(List<Job<?>> batch) {
        boolean alone = batch.size() == 1;
        long began = System.nanoTime();
        try {
            store.inTransaction(c -> {
                for (Job<?> job : batch) {
                    job.runIn(c, alone);
                }
                return null;
            });
        } finally {
            committingNanos += System.nanoTime() - began;
        }
        commits++;
        for (Job<?> job : batch) {
            writes += job.failure == null ? 1 : 0;
            job.committed();
        }
    }
}
