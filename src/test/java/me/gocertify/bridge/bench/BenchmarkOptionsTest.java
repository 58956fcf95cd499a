package me.gocertify.bridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The benchmark runs the bridge as README's first command does, whether started by Maven or by hand. */
class BenchmarkOptionsTest {

    @Test
    void readmesCommandsRunTheJarWithTheBenchmarksOptions() throws IOException {
        List<String> commands = Files.readString(Path.of("README.md")).lines()
                .filter(line -> line.contains("java -XX:SharedArchiveFile=target/gocertify-yotpo-bridge.jsa"))
                .toList();

        // the first command at the top, and the same in the production section
        assertThat(commands).hasSize(2).allSatisfy(command -> assertThat(command).contains(
                "java -XX:SharedArchiveFile=target/gocertify-yotpo-bridge.jsa " + Benchmark.README_JVM_OPTIONS
                        + " -jar target/gocertify-yotpo-bridge.jar"));
    }

    @Test
    void theBenchmarkProfilePassesTheBenchmarksOwnDefaults() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        String profile = pom.substring(pom.indexOf("<id>benchmark</id>"));
        String properties = profile.substring(profile.indexOf("<properties>"), profile.indexOf("</properties>"));
        Map<String, String> passed = new LinkedHashMap<>();
        Matcher property = Pattern.compile("<(bench\\.[\\w.]+)>([^<]*)</\\1>").matcher(properties);
        while (property.find()) {
            passed.put(property.group(1), property.group(2));
        }

        assertThat(passed).containsEntry("bench.bridge.jvmArgs", Benchmark.README_JVM_OPTIONS)
                .containsKey("bench.deliveryWarmupRounds");
        // a run by hand (java ... Benchmark) measures what mvn -Pbenchmark verify measures
        assertThat(Benchmark.DEFAULTS).containsAllEntriesOf(passed);
    }
}
