package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import me.gocertify.bridge.support.RunningBridge;

/**
 * An operator's way in: a real (headless) Chromium logs in to Hawtio and opens the Camel routes
 * view; the screenshot lands in target/hawtio-routes.png. Skipped where Debian's chromium and
 * chromium-driver are not installed, unless -Dbridge.browserTest.required=true (CI) demands it.
 */
class HawtioBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("bridge.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("bridge.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOT = Path.of("target", "hawtio-routes.png");

    @TempDir
    Path dataDir;

    @TempDir
    Path browserProfile;

    RunningBridge bridge;
    WebDriver browser;

    @BeforeEach
    void start() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && Boolean.getBoolean("bridge.browserTest.required")) {
            throw new IllegalStateException("chromium and chromium-driver are required here: apt-get install -y chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed,
                "Skipped: the Hawtio browser test needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        bridge = RunningBridge.start(HawtioConsoleTest.withHawtio(dataDir, "http://127.0.0.1:9"));
        browser = chromium();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void anOperatorLogsInAndSeesTheRoutes() throws IOException {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(bridge.hawtioUrl("/hawtio/login"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id")))
                .sendKeys(HawtioConsoleTest.USER);
        browser.findElement(By.id("pf-login-password-id")).sendKeys(HawtioConsoleTest.PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));

        browser.get(bridge.hawtioUrl("/hawtio/camel/routes"));
        try {
            // the Camel tree lists the routes; its "routes" folder opens the table of routes with their statistics
            wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//*[normalize-space(text())='routes']"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//td[contains(., 'intake-webhook')]")));
        } finally {
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
        }

        String routesTable = browser.findElement(By.xpath("//table[.//td[contains(., 'intake-webhook')]]")).getText();
        assertThat(routesTable).contains("intake-webhook", "deliver-due", "record-verification", "admin-put-merchant", "Started");
    }

    private ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1000", "--user-data-dir=" + browserProfile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
