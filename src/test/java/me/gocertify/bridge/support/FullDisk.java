package me.gocertify.bridge.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;

import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A full disk for H2: its database files on the real disk, through H2's own file-system extension point
 * (a {@link FilePathWrapper}, named by the {@code fulldisk:} prefix in the JDBC URL), whose writes fail
 * as the JDK's do on a full disk while {@link #fill()} holds. Reads go on. A test cannot fill the machine's
 * disk, nor mount a small one without root.
 */
public final class FullDisk extends FilePathWrapper {

    private static volatile boolean full;

    static {
        FilePath.register(new FullDisk());
    }

    /**
     * An H2 URL for a database file at this path (no extension) on the "disk" this class fills. Without a trace
     * file: a database H2 closed at a failed write stays registered for its closing at the JVM's exit, where it
     * fails again and H2 writes that to bridge.trace.db, making the test's folder again long after JUnit removed it.
     */
    public static String url(Path database) {
        return "jdbc:h2:fulldisk:" + database.toAbsolutePath() + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=0";
    }

    /** From now on every write fails with "No space left on device". */
    public static void fill() {
        full = true;
    }

    /** Room again. */
    public static void free() {
        full = false;
    }

    @Override
    public String getScheme() {
        return "fulldisk";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new Channel(getBase().open(mode));
    }

    private static void checkRoom() throws IOException {
        if (full) {
            throw new IOException("No space left on device");
        }
    }

    /** The real file's channel, its writes refused while the disk is full. */
    private static final class Channel extends FileBase {
        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkRoom();
            return file.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkRoom();
            return file.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
