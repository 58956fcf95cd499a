package me.gocertify.bridge.filedrop;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of a dropped file, at the line it starts on: its fields as the webhook's JSON object
 * would carry them, or the reason it could not be read.
 */
public record FileRecord(long line, JsonNode fields, String unreadable) {

    static FileRecord of(long line, JsonNode fields) {
        return new FileRecord(line, fields, null);
    }

    static FileRecord unreadable(long line, String reason) {
        return new FileRecord(line, null, reason);
    }

    /** The verification_id as written, for the error report; null when there is none to show. */
    public String verificationId() {
        JsonNode id = fields == null ? null : fields.get("verification_id");
        if (id == null || !id.isTextual()) {
            return null;
        }
        String text = id.textValue();
        return text.length() > 256 ? text.substring(0, 256) + "..." : text;
    }

    @Override
    public String toString() {
        // the shopper's email stays out of logs
        return "FileRecord[line " + line + (unreadable == null ? "" : ", unreadable") + "]";
    }
}
