package me.gocertify.bridge;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.main.Main;

import me.gocertify.bridge.demo.Demo;

/** Starts the bridge on Camel Main: settings from application.properties, routes from routes/. */
public final class Application {

    private Application() {
    }

    /** {@code --dev}: edits to routes/*.camel.yaml reload live; {@code --demo}: with a Yotpo sandbox (see Demo). */
    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        Properties overrides = rest.remove("--dev") ? devMode() : new Properties();
        if (rest.remove("--demo")) {
            Demo.run(overrides, rest.toArray(String[]::new));
        } else {
            create(overrides).run(rest.toArray(String[]::new));
        }
    }

    /** Camel watches routes/ and reloads a route file when it is saved. */
    public static Properties devMode() {
        Properties dev = new Properties();
        dev.setProperty("camel.main.routesReloadEnabled", "true");
        dev.setProperty("camel.main.routesReloadDirectory", "routes");
        dev.setProperty("camel.main.routesReloadPattern", "*.camel.yaml");
        // only the saved file's routes restart (reloading all of them trips over the REST routes' ids)
        dev.setProperty("camel.main.routesReloadRemoveAllRoutes", "false");
        return dev;
    }

    /**
     * The bridge as it runs in production. Started in the project root it uses the top-level
     * application.properties and routes/; anywhere else the copies packed in the jar.
     */
    public static Main create(Properties overrides) {
        Main main = new Main();
        boolean inProjectRoot = Files.isRegularFile(Path.of("application.properties"));
        main.setDefaultPropertyPlaceholderLocation(inProjectRoot
                ? "file:application.properties" : "classpath:application.properties");
        main.configure().withRoutesIncludePattern(routeFiles());
        main.configure().addConfiguration(BridgeConfiguration.class);
        main.setOverrideProperties(overrides);
        return main;
    }

    /**
     * routes/ in the working directory, else the copies packed in the jar, named one by one: for a
     * wildcard on the classpath Camel reads through the whole jar, inflating every entry, twice at each
     * start (about half a second of CPU on a small machine), where the jar's index names them at once.
     */
    static String routeFiles() {
        if (Files.isDirectory(Path.of("routes"))) {
            return "file:routes/*.camel.yaml";
        }
        List<String> packed = packedRouteFiles();
        return packed.isEmpty() ? "classpath:routes/*.camel.yaml"
                : packed.stream().map(name -> "classpath:" + name).collect(Collectors.joining(","));
    }

    /** routes/*.camel.yaml beside this class (in its jar or classes folder), sorted by name; empty if not found. */
    static List<String> packedRouteFiles() {
        try {
            Path location = Path.of(Application.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> names = new ArrayList<>();
            if (Files.isRegularFile(location)) {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().map(JarEntry::getName).filter(Application::isRouteFile).forEach(names::add);
                }
            } else if (Files.isDirectory(location.resolve("routes"))) {
                try (Stream<Path> files = Files.list(location.resolve("routes"))) {
                    files.map(file -> "routes/" + file.getFileName()).filter(Application::isRouteFile).forEach(names::add);
                }
            }
            Collections.sort(names);
            return names;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean isRouteFile(String name) {
        return name.startsWith("routes/") && name.endsWith(".camel.yaml") && name.indexOf('/', "routes/".length()) < 0;
    }
}
