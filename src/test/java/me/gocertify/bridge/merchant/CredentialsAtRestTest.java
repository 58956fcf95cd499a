package me.gocertify.bridge.merchant;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import me.gocertify.bridge.support.RunningBridge;

/** Merchant credentials are encrypted at rest: neither the database file nor a SELECT shows them. */
class CredentialsAtRestTest {

    static final String API_KEY = "yotpo-api-key-Q7v2Xk9Lm4Rt";
    static final String GUID = "yotpo-guid-Z8c3Wn5Pb1Hd";
    static final String SECRET = "whsec_c2VjcmV0LWF0LXJlc3QtdGVzdC0yNC1ieXRlcw==";
    static final String PREVIOUS = "whsec_cHJldmlvdXMtc2VjcmV0LWF0LXJlc3QtMjQ=";

    @TempDir
    Path dataDir;

    @Test
    void credentialsAreNotReadableInTheDatabaseFile() throws Exception {
        WireMockServer yotpo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        yotpo.start();
        try (RunningBridge bridge = RunningBridge.start(dataDir, yotpo.baseUrl())) {
            assertThat(bridge.putMerchant("acme", "{\"yotpo_api_key\":\"" + API_KEY + "\",\"yotpo_guid\":\"" + GUID
                    + "\",\"webhook_secret\":\"" + SECRET + "\",\"previous_webhook_secret\":\"" + PREVIOUS + "\"}").statusCode()).isEqualTo(200);
        } finally {
            yotpo.stop();
        }

        List<byte[]> needles = new ArrayList<>();
        for (String secret : List.of(API_KEY, GUID, SECRET, PREVIOUS, SECRET.substring(6), PREVIOUS.substring(6))) {
            needles.add(secret.getBytes(StandardCharsets.UTF_8));
            needles.add(secret.getBytes(StandardCharsets.UTF_16BE));
            needles.add(Base64.getEncoder().encode(secret.getBytes(StandardCharsets.UTF_8)));
            needles.add(Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8))));
        }
        // the decoded signing keys themselves
        needles.add(Base64.getDecoder().decode(SECRET.substring(6)));
        needles.add(Base64.getDecoder().decode(PREVIOUS.substring(6)));

        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anySatisfy(file -> assertThat(file.getFileName().toString()).endsWith(".mv.db"));
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes.length).isPositive();
            for (byte[] needle : needles) {
                assertThat(indexOf(bytes, needle)).as("%s holds a credential", file.getFileName()).isEqualTo(-1);
            }
        }
        // the check can see a value that is there: the merchant id is stored in clear
        Path db = files.stream().filter(f -> f.toString().endsWith(".mv.db")).findFirst().orElseThrow();
        assertThat(indexOf(Files.readAllBytes(db), "acme".getBytes(StandardCharsets.UTF_8))).isNotNegative();

        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("bridge").toAbsolutePath(), "bridge", "");
                Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery("SELECT * FROM merchant")) {
            ResultSetMetaData meta = rows.getMetaData();
            assertThat(rows.next()).isTrue();
            StringBuilder all = new StringBuilder();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                all.append(meta.getColumnName(i)).append('=').append(rows.getString(i)).append('\n');
            }
            assertThat(all).contains("acme");
            for (String secret : List.of(API_KEY, GUID, SECRET, PREVIOUS, SECRET.substring(6), PREVIOUS.substring(6))) {
                assertThat(all.toString()).doesNotContain(secret)
                        .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void indexOfFindsWhatIsThere() throws IOException {
        assertThat(indexOf("abc-secret-xyz".getBytes(StandardCharsets.UTF_8), "secret".getBytes(StandardCharsets.UTF_8))).isEqualTo(4);
    }
}
