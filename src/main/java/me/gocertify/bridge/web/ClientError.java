package me.gocertify.bridge.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the bridge refuses: the HTTP status and the contract's JSON error body. The detail is
 * always our own text, never the client's input echoed back, so no secret can travel in it.
 */
public final class ClientError extends RuntimeException {

    private final int status;
    private final String error;
    private final String detail;
    private final String field;

    public ClientError(int status, String error, String detail, String field) {
        super(detail == null ? error : error + ": " + detail, null, false, false);
        this.status = status;
        this.error = error;
        this.detail = detail;
        this.field = field;
    }

    public static ClientError invalid(String field, String detail) {
        return new ClientError(400, "invalid_request", detail, field);
    }

    public static ClientError unauthorized() {
        return new ClientError(401, "unauthorized", null, null);
    }

    public static ClientError unsupportedMediaType() {
        return new ClientError(415, "unsupported_media_type", "Content-Type must be application/json (UTF-8)", null);
    }

    public static ClientError notFound(String detail) {
        return new ClientError(404, "not_found", detail, null);
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (detail != null || status == 400) {
            body.put("detail", detail);
        }
        if (status == 400) {
            body.put("field", field);
        }
        return body;
    }
}
