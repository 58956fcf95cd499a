package me.gocertify.bridge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * A bridge that cannot listen where its settings say does not start; left to Camel it would start,
 * report itself ready, and answer every webhook 404.
 */
class ListeningPortsTest {

    static YotpoSimulator yotpo;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startYotpo() {
        yotpo = new YotpoSimulator();
    }

    @AfterAll
    static void stopYotpo() {
        yotpo.stop();
    }

    @Test
    void oneHttpAndManagementPortStopsTheStartNamingBothSettings() {
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("camel.management.port", settings.getProperty("camel.server.port"));

        assertThatThrownBy(() -> RunningBridge.start(settings)).hasStackTraceContaining(
                "BRIDGE_HTTP_PORT (camel.server.port) and BRIDGE_MANAGEMENT_PORT (camel.management.port) are both port "
                        + settings.getProperty("camel.server.port"));
        assertThat(portIsFree(settings.getProperty("camel.server.port"))).as("nothing left listening").isTrue();
    }

    @Test
    void hawtioOnTheHttpPortStopsTheStart() {
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("bridge.hawtio.enabled", "true");
        settings.setProperty("bridge.hawtio.port", settings.getProperty("camel.server.port"));

        assertThatThrownBy(() -> RunningBridge.start(settings)).hasStackTraceContaining(
                "BRIDGE_HTTP_PORT (camel.server.port) and BRIDGE_HAWTIO_PORT (bridge.hawtio.port) are both port");
    }

    @Test
    void anHttpPortInUseStopsTheStartAndReleasesTheOtherPort() throws IOException {
        assertStartRefusedWhileHeld("camel.server.port", "camel.management.port");
    }

    @Test
    void aManagementPortInUseStopsTheStartAndReleasesTheOtherPort() throws IOException {
        assertStartRefusedWhileHeld("camel.management.port", "camel.server.port");
    }

    @Test
    void aHawtioPortInUseStopsTheStartAndReleasesTheOtherPorts() throws IOException {
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("bridge.hawtio.enabled", "true");
        int held = Integer.parseInt(settings.getProperty("bridge.hawtio.port"));
        try (ServerSocket other = new ServerSocket(held, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> RunningBridge.start(settings))
                    .hasStackTraceContaining("the Hawtio console could not listen on 127.0.0.1:" + held + " (BRIDGE_HAWTIO_PORT");
        }
        assertThat(portIsFree(settings.getProperty("camel.server.port"))).as("the HTTP port let go").isTrue();
        assertThat(portIsFree(settings.getProperty("camel.management.port"))).as("the management port let go").isTrue();
    }

    /** Another process holds the port of one setting: the start fails naming it, and the others are let go. */
    private void assertStartRefusedWhileHeld(String heldSetting, String otherSetting) throws IOException {
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("bridge.hawtio.enabled", "true");
        int held = Integer.parseInt(settings.getProperty(heldSetting));
        try (ServerSocket other = new ServerSocket(held, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> RunningBridge.start(settings))
                    .hasStackTraceContaining("the HTTP server could not listen on 0.0.0.0:" + held);
        }
        assertThat(portIsFree(settings.getProperty(otherSetting))).as("the other port let go").isTrue();
        assertThat(portIsFree(settings.getProperty("bridge.hawtio.port"))).as("Hawtio's port let go").isTrue();
    }

    private static boolean portIsFree(String port) {
        try (ServerSocket probe = new ServerSocket(Integer.parseInt(port), 50, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
