package me.gocertify.bridge.filedrop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CSV file with a header row naming at least merchant_id, verification_id, campaign and email
 * (in any order, any case; other columns are ignored). Quoted fields, CRLF and a BOM are fine.
 */
final class CsvRecords extends RecordStream {

    static final List<String> REQUIRED = List.of("merchant_id", "verification_id", "campaign", "email");
    static final List<String> FIELDS = List.of("merchant_id", "verification_id", "campaign", "email", "verified_at", "status");

    // empty lines are kept as records so that every record knows its own line number
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    private final CSVParser parser;
    private final Iterator<CSVRecord> rows;
    private int[] columns;
    private int width;

    CsvRecords(TextGuard text) throws IOException {
        super(text);
        this.parser = FORMAT.parse(text);
        this.rows = parser.iterator();
    }

    @Override
    protected FileRecord read() {
        if (columns == null) {
            return readHeader();
        }
        while (true) {
            long line = currentLine();
            text.recordStarted();
            if (!rows.hasNext()) {
                return null;
            }
            CSVRecord row = rows.next();
            if (isBlank(row)) {
                continue;
            }
            if (row.size() != width) {
                return FileRecord.unreadable(line, "the row has " + row.size() + " values where the header has " + width);
            }
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < FIELDS.size(); i++) {
                if (columns[i] >= 0) {
                    String value = row.get(columns[i]).strip();
                    // an empty cell is a missing value, as an absent field is in JSON
                    if (!value.isEmpty()) {
                        fields.put(FIELDS.get(i), value);
                    }
                }
            }
            return FileRecord.of(line, fields);
        }
    }

    private FileRecord readHeader() {
        CSVRecord header = null;
        long line = currentLine();
        while (header == null) {
            line = currentLine();
            text.recordStarted();
            if (!rows.hasNext()) {
                return last(1, "the file is empty");
            }
            CSVRecord row = rows.next();
            header = isBlank(row) ? null : row;
        }
        List<String> names = new ArrayList<>();
        header.forEach(name -> names.add(name.strip().toLowerCase(Locale.ROOT)));
        int[] found = new int[FIELDS.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < FIELDS.size(); i++) {
            String field = FIELDS.get(i);
            found[i] = names.indexOf(field);
            if (found[i] >= 0 && names.lastIndexOf(field) != found[i]) {
                return last(line, "the header names " + field + " twice");
            }
            if (found[i] < 0 && REQUIRED.contains(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            return last(line, "the header must name merchant_id, verification_id, campaign and email; missing: "
                    + String.join(", ", missing));
        }
        columns = found;
        width = names.size();
        return read();
    }

    private static boolean isBlank(CSVRecord row) {
        return row.size() == 1 && row.get(0).isBlank();
    }

    @Override
    protected long currentLine() {
        return parser.getCurrentLineNumber() + 1;
    }

    @Override
    public void close() throws IOException {
        super.close();
        parser.close();
    }
}
