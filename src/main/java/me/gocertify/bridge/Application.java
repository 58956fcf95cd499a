package me.gocertify.bridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.main.Main;

/** Starts the bridge on Camel Main: settings from application.properties, routes from routes/. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        create(new Properties()).run(args);
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
