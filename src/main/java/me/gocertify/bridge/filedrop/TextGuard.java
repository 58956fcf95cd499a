package me.gocertify.bridge.filedrop;

import java.io.BufferedInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dropped file read as UTF-8 text only: a byte-order mark is skipped; bytes that are not UTF-8,
 * or a NUL (a binary file), stop the read; so does a record longer than {@link #RECORD_LIMIT}
 * characters (an unclosed quote would otherwise pull the rest of the file into memory).
 */
final class TextGuard extends FilterReader {

    static final int RECORD_LIMIT = 1 << 20;

    /** A NUL character: valid UTF-8, but no text file of ours has one. */
    static final class NotText extends CharacterCodingException {
        private static final long serialVersionUID = 1L;
    }

    static final class RecordTooLong extends IOException {
        private static final long serialVersionUID = 1L;

        RecordTooLong() {
            super("a record is longer than " + RECORD_LIMIT + " characters");
        }
    }

    private long sinceRecordStart;

    private TextGuard(InputStreamReader in) {
        super(in);
    }

    static TextGuard open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(3);
            byte[] head = in.readNBytes(3);
            boolean bom = head.length == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF;
            if (!bom) {
                in.reset();
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new TextGuard(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    /** Called where a record starts: the record limit counts from here. */
    void recordStarted() {
        sinceRecordStart = 0;
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        for (int i = offset; i < offset + n; i++) {
            if (buffer[i] == '\0') {
                throw new NotText();
            }
        }
        if (n > 0) {
            sinceRecordStart += n;
            if (sinceRecordStart > RECORD_LIMIT) {
                throw new RecordTooLong();
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported");
    }
}
