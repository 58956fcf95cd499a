package me.gocertify.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's own secrets: taken from configuration, or in development generated once into the
 * data folder (owner-only) with a warning. Logs name the file, never the value.
 */
public final class BridgeSecrets {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeSecrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private BridgeSecrets() {
    }

    /** The 32-byte master key from base64 configuration, else from (or generated into) the file. */
    public static byte[] masterKey(String configured, Path file) {
        String base64 = configuredOrGenerated(configured, file, "master key (BRIDGE_MASTER_KEY)", Base64.getEncoder());
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("BRIDGE_MASTER_KEY is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException("BRIDGE_MASTER_KEY must be the base64 of 32 bytes, not " + key.length);
        }
        return key;
    }

    /** A bearer token from configuration, else from (or generated into) the file. */
    public static String token(String configured, Path file, String what) {
        return configuredOrGenerated(configured, file, what, Base64.getUrlEncoder().withoutPadding()).trim();
    }

    private static String configuredOrGenerated(String configured, Path file, String what, Base64.Encoder encoder) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            if (Files.isRegularFile(file)) {
                LOG.warn("Using the development {} from {}; set it in the environment for production", what, file.toAbsolutePath());
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String value = encoder.encodeToString(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, value, StandardCharsets.UTF_8);
            ownerOnly(file);
            LOG.warn("Generated a development {} into {}; set it in the environment for production", what, file.toAbsolutePath());
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, Set.of(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: leave the default permissions
        }
    }
}
