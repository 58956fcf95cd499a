package me.gocertify.bridge.filedrop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStreamTest {

    @TempDir
    Path dir;

    @Test
    void csvRecordsKnowTheLineTheyStartOn() throws IOException {
        List<FileRecord> records = read("a.csv", "\uFEFFverification_id,merchant_id,campaign,email\r\n"
                + "v-1,acme,students,a@example.com\r\n"
                + "\r\n"
                + "v-2,acme,\"stu\r\ndents\",b@example.com\r\n"
                + "v-3, acme ,students,c@example.com");

        assertThat(records).extracting(FileRecord::line).containsExactly(2L, 4L, 6L);
        assertThat(records.get(1).fields().get("campaign").textValue()).isEqualTo("stu\r\ndents");
        assertThat(records.get(2).fields().get("merchant_id").textValue()).isEqualTo("acme");
    }

    @Test
    void csvRowWithTheWrongNumberOfValuesIsUnreadableButTheNextIsRead() throws IOException {
        List<FileRecord> records = read("a.csv", "merchant_id,verification_id,campaign,email\n"
                + "acme,v-1,students,Smith, Jane <a@example.com>\n"
                + "acme,v-2,students,b@example.com\n");

        assertThat(records).hasSize(2);
        assertThat(records.get(0).unreadable()).isEqualTo("the row has 5 values where the header has 4");
        assertThat(records.get(1).fields().get("verification_id").textValue()).isEqualTo("v-2");
    }

    @Test
    void unclosedQuoteStopsTheFileWithinBoundedMemory() throws IOException {
        StringBuilder csv = new StringBuilder("merchant_id,verification_id,campaign,email\nacme,v-1,\"students,a@example.com\n");
        String filler = "x".repeat(1000) + "\n";
        while (csv.length() < 3 * TextGuard.RECORD_LIMIT) {
            csv.append(filler);
        }
        List<FileRecord> records = read("a.csv", csv.toString());

        assertThat(records).singleElement().satisfies(record ->
                assertThat(record.unreadable()).startsWith("a record is longer than 1 MiB"));
    }

    @Test
    void jsonArrayElementsKnowTheirLine() throws IOException {
        List<FileRecord> records = read("a.json", "[\n  {\"verification_id\":\"v-1\"},\n\n  {\"verification_id\":\n\"v-2\"}]");

        assertThat(records).extracting(FileRecord::line).containsExactly(2L, 4L);
        assertThat(records).extracting(FileRecord::verificationId).containsExactly("v-1", "v-2");
    }

    @Test
    void jsonThatIsNotAnArrayIsRefused() throws IOException {
        assertThat(read("a.json", "{\"verification_id\":\"v-1\"}")).singleElement()
                .extracting(FileRecord::unreadable).isEqualTo("a .json file must hold one array of objects");
    }

    @Test
    void jsonLinesSkipBlankLinesAndReportBadOnes() throws IOException {
        List<FileRecord> records = read("a.jsonl", "{\"verification_id\":\"v-1\"}\r\n\r\n[1]\n{\"verification_id\":\"v-4\"}\n");

        assertThat(records).extracting(FileRecord::line).containsExactly(1L, 3L, 4L);
        assertThat(records.get(1).unreadable()).isEqualTo("each line must be a JSON object");
    }

    @Test
    void invalidUtf8IsNotText() throws IOException {
        Path file = dir.resolve("a.ndjson");
        Files.write(file, new byte[] {'{', '}', '\n', (byte) 0xC3, (byte) 0x28, '\n'});

        assertThat(readAll(file)).last().extracting(FileRecord::unreadable)
                .isEqualTo("the file is not UTF-8 text (is it binary?); the rest of the file was not read");
    }

    private List<FileRecord> read(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return readAll(file);
    }

    private static List<FileRecord> readAll(Path file) throws IOException {
        List<FileRecord> records = new ArrayList<>();
        try (RecordStream stream = RecordStream.open(file)) {
            stream.forEachRemaining(records::add);
        }
        return records;
    }
}
