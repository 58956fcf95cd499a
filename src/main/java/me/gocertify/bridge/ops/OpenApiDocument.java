package me.gocertify.bridge.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The hand-written OpenAPI document: the REST DSL carries no schemas, the contract does. */
public final class OpenApiDocument {

    private static final String RESOURCE = "openapi.yaml";

    private final String yaml;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String yaml() {
        return yaml;
    }
}
