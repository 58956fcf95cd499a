package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * Hawtio is deployed on the console's first request: a bridge no one watches does not carry it, and
 * the first visit finds it, behind its login.
 */
class HawtioOnFirstRequestTest {

    @TempDir
    Path dataDir;

    @Test
    void hawtioIsDeployedOnTheFirstRequestOnly() {
        YotpoSimulator yotpo = new YotpoSimulator();
        try (RunningBridge bridge = RunningBridge.start(HawtioConsoleTest.withHawtio(dataDir, yotpo.baseUrl()))) {
            HawtioConsole console = bridge.camel().getRegistry().lookupByNameAndType("hawtioConsole", HawtioConsole.class);
            assertThat(bridge.get(bridge.hawtioUrl("/")).statusCode()).as("the console's port, outside Hawtio").isEqualTo(404);
            assertThat(console.deployed()).as("Hawtio deployed before anyone asked for it").isFalse();

            var login = bridge.get(bridge.hawtioUrl("/hawtio/login"));
            assertThat(login.statusCode()).as("the first visit, its login page").isEqualTo(200);
            // served by this console's Hawtio (its MBeans would not tell: an earlier bridge's stay in this JVM)
            assertThat(login.body()).as("the login page").containsIgnoringCase("hawtio");
            assertThat(console.deployed()).as("Hawtio deployed once asked for").isTrue();
            assertThat(bridge.get(bridge.hawtioUrl("/hawtio/jolokia/read/java.lang:type=Runtime")).statusCode())
                    .as("its Jolokia without the login").isIn(401, 403);
        } finally {
            yotpo.stop();
        }
    }
}
