package me.gocertify.bridge.ops;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.support.service.ServiceSupport;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hawtio on its own port, in an embedded Jetty, behind a login (contract 7). Its war travels in the
 * bridge's jar and is unpacked on the console's first request; its Jolokia is the only one the
 * bridge runs, so every MBean read or operation needs the operator's login.
 */
public final class HawtioConsole extends ServiceSupport implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsole.class);
    private static final String WAR_RESOURCE = "hawtio/hawtio.war";
    private static final String REALM = "gocertify-bridge";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private Server server;
    private volatile Path workDir;
    private Thread starter;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile boolean deployed;

    public HawtioConsole(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * The console's server starts on a thread of its own as soon as the bridge starts to, while Camel
     * starts the routes; Hawtio itself is deployed on the first request (DeployOnFirstRequest).
     */
    @Override
    protected void doStart() {
        beginStart(); // normally begun already, as the context began to start
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        beginStart();
    }

    private synchronized void beginStart() {
        if (starter != null) {
            return;
        }
        starter = new Thread(() -> {
            try {
                startConsole();
                started.complete(null);
            } catch (Exception e) {
                started.completeExceptionally(e);
            }
        }, "hawtio-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * The routes have started: the console must be listening too, or the bridge does not start (as
     * for its other ports, web.ListeningPorts), rather than run without the console it was set to have.
     */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        try {
            awaitStarted(Duration.ofSeconds(60));
        } catch (ExecutionException e) {
            throw new IllegalStateException("the Hawtio console could not listen on " + host + ":" + port
                    + " (BRIDGE_HAWTIO_PORT; is another process using the port?)", e.getCause());
        }
    }

    /** Whether Hawtio's web app has been deployed (on the console's first request). */
    public boolean deployed() {
        return deployed;
    }

    /** Waits until the console answers (or has failed to start). */
    public void awaitStarted(Duration timeout) throws Exception {
        started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void startConsole() throws Exception {
        hawtioSettings();
        if (HawtioConsole.class.getClassLoader().getResource(WAR_RESOURCE) == null) {
            throw new IllegalStateException(WAR_RESOURCE + " is not on the classpath; build with mvn package");
        }
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new DeployOnFirstRequest());
        server.setStopAtShutdown(false);
        server.start();
        LOG.info("Hawtio console at http://{}:{}/hawtio/ (login: {}), deployed on its first request", host,
                connector.getLocalPort(), user);
    }

    /**
     * Hawtio's web app is unpacked and started on the console's first request, so an instance no one
     * looks at does not carry it (about 25 MB of resident memory, and seconds of CPU just after the
     * bridge is ready). The first request waits for it, a few seconds; no request reaches Hawtio
     * before it has the bridge's own login.
     */
    private final class DeployOnFirstRequest extends Handler.Wrapper {

        DeployOnFirstRequest() {
            super(true); // its web app is set while the server runs
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!deployed) {
                String path = request.getHttpURI().getPath();
                if (path == null || !(path.equals("/hawtio") || path.startsWith("/hawtio/"))) {
                    return false; // not Hawtio's (404): a stray request deploys nothing
                }
                deploy();
            }
            return super.handle(request, response, callback);
        }

        private synchronized void deploy() throws Exception {
            if (deployed) {
                return;
            }
            WebAppContext webapp = webApp();
            try {
                webapp.setServer(getServer());
                webapp.start();
                useOwnLogin(webapp);
            } catch (Exception e) {
                LOG.error("Hawtio could not be deployed; the next request tries again", e);
                webapp.stop();
                throw e;
            }
            setHandler(webapp);
            deployed = true;
            LOG.info("Hawtio deployed");
        }
    }

    private WebAppContext webApp() throws Exception {
        if (workDir != null) {
            IO.delete(workDir.toFile()); // what a failed attempt left
        }
        workDir = Files.createTempDirectory("bridge-hawtio");
        Path war = workDir.resolve("hawtio.war");
        try (InputStream in = HawtioConsole.class.getClassLoader().getResourceAsStream(WAR_RESOURCE)) {
            Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
        }
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/hawtio");
        webapp.setWar(war.toString());
        webapp.setTempDirectory(workDir.resolve("work").toFile());
        // the war's own Jolokia and libraries win over the bridge's classpath (platform notes)
        webapp.setParentLoaderPriority(false);
        webapp.setThrowUnavailableOnStartupException(true);
        return webapp;
    }

    @Override
    protected void doStop() throws Exception {
        Thread starter;
        synchronized (this) {
            starter = this.starter;
        }
        if (starter != null) {
            starter.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (server != null) {
            server.stop();
            server = null;
        }
        if (workDir != null) {
            IO.delete(workDir.toFile());
            workDir = null;
        }
    }

    // Hawtio reads its settings from hawtio.* system properties only
    private static void hawtioSettings() {
        System.setProperty("hawtio.authenticationEnabled", "true");
        System.setProperty("hawtio.realm", REALM);
        System.setProperty("hawtio.roles", HawtioLoginModule.ROLE);
        System.setProperty("hawtio.rolePrincipalClasses", HawtioLoginModule.Role.class.getName());
        // no proxying to other hosts' Jolokia, and no probing of local ports
        System.setProperty("hawtio.disableProxy", "true");
        System.setProperty("hawtio.localAddressProbing", "false");
        System.setProperty("hawtio.authenticationThrottled", "true");
    }

    /**
     * Hands Hawtio a JAAS configuration of this instance's own (not the JVM-wide one), naming the
     * bridge's login module with the configured user and password as options.
     */
    private void useOwnLogin(WebAppContext webapp) {
        Configuration login = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                if (!REALM.equals(name)) {
                    return null;
                }
                return new AppConfigurationEntry[] {new AppConfigurationEntry(HawtioLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of(HawtioLoginModule.USER_OPTION, user, HawtioLoginModule.PASSWORD_OPTION, password))};
            }
        };
        try {
            ClassLoader warClasses = webapp.getClassLoader();
            Class<?> servletContext = warClasses.loadClass("jakarta.servlet.ServletContext");
            Class<?> authConfig = warClasses.loadClass("io.hawt.web.auth.AuthenticationConfiguration");
            Object config = authConfig.getMethod("getConfiguration", servletContext).invoke(null, webapp.getServletContext());
            authConfig.getMethod("setConfiguration", Configuration.class).invoke(config, login);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot give Hawtio its login configuration", e);
        }
    }
}
