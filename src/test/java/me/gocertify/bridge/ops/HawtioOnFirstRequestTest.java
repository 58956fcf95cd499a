package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Set;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * Hawtio is deployed on the console's first request: a bridge no one watches does not carry it, and
 * the first visit finds it, behind its login. (Its MBeans outlive a stopped bridge in this JVM, so
 * whether it was deployed is asked of the console itself.)
 */
class HawtioOnFirstRequestTest {

    @TempDir
    Path dataDir;

    @Test
    void hawtioIsDeployedOnTheFirstRequestOnly() throws Exception {
        YotpoSimulator yotpo = new YotpoSimulator();
        try (RunningBridge bridge = RunningBridge.start(HawtioConsoleTest.withHawtio(dataDir, yotpo.baseUrl()))) {
            HawtioConsole console = bridge.camel().getRegistry().lookupByNameAndType("hawtioConsole", HawtioConsole.class);
            assertThat(bridge.get(bridge.hawtioUrl("/")).statusCode()).as("the console's port, outside Hawtio").isEqualTo(404);
            assertThat(console.deployed()).as("Hawtio deployed before anyone asked for it").isFalse();

            assertThat(bridge.get(bridge.hawtioUrl("/hawtio/login")).statusCode()).as("the first visit, its login page").isEqualTo(200);
            assertThat(console.deployed()).as("Hawtio deployed once asked for").isTrue();
            assertThat(hawtioMBeans()).as("Hawtio's MBeans").isNotEmpty();
            assertThat(bridge.get(bridge.hawtioUrl("/hawtio/jolokia/read/java.lang:type=Runtime")).statusCode())
                    .as("its Jolokia without the login").isIn(401, 403);
        } finally {
            yotpo.stop();
        }
    }

    private static Set<ObjectName> hawtioMBeans() throws MalformedObjectNameException {
        return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("hawtio:*"), null);
    }
}
