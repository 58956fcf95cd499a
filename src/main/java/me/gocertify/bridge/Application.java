package me.gocertify.bridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

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
        main.configure().withRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                ? "file:routes/*.camel.yaml" : "classpath:routes/*.camel.yaml");
        main.configure().addConfiguration(BridgeConfiguration.class);
        main.setOverrideProperties(overrides);
        return main;
    }
}
