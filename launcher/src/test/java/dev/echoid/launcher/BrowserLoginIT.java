package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The login as a person does it, in Debian's Chromium driven by Selenium: gateway, the provider's login page, a wrong
 * password, the right one typed and sent with Enter, the gateway's page, sign-out. Screenshots of each step go to
 * {@code target/screenshots/} for review, at desktop and at phone width. Any console error fails the test (a CSP
 * violation is one).
 *
 * <p>Skipped on a developer's machine without {@code chromium} and {@code chromium-driver}; on CI (the {@code CI}
 * environment variable set) their absence is a failure, since {@code .ci/run} installs them.
 */
class BrowserLoginIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Dimension DESKTOP = new Dimension(1280, 900);
    private static final Dimension PHONE = new Dimension(360, 740);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path profile;

    private static ChromeDriverService service;
    private static WebDriver driver;
    private static Path screenshots;
    private static final List<String> consoleErrors = new ArrayList<>();

    @BeforeAll
    static void startBrowser() throws IOException {
        requireBrowser();
        DevServer system = RunningSystem.get();
        screenshots = Paths.get(System.getProperty("echoid.screenshots", "target/screenshots")).toAbsolutePath();
        Files.createDirectories(screenshots);

        // An explicit driver: Selenium Manager is never asked to find or download one (this machine has no internet).
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(screenshots.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // the machine's network is closed: no update checks, sync, or lookups of Google's hosts
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight(), "--lang=en-US");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        assertThat(system.options().gateway()).startsWith("http://");
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void personWhenSigningInWithKeyboardThenGatewayShowsIdentityAndNoConsoleErrors() throws IOException {
        DevServer system = RunningSystem.get();
        String gateway = system.options().gateway();
        String issuer = system.options().issuer();

        // 1. The gateway sends the browser to the provider's login page.
        driver.get(gateway + "/");
        await(ExpectedConditions.urlContains("/login.xhtml"));
        assertThat(driver.getCurrentUrl()).startsWith(issuer + "/login.xhtml");
        assertThat(driver.getTitle()).isEqualTo("Sign in · EchoID");
        assertThat(driver.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("en");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Sign in");
        assertThat(driver.findElement(By.cssSelector(".brand")).getText()).isEqualTo("EchoID");
        assertThat(driver.findElement(By.cssSelector(".brand")).isDisplayed()).isTrue();
        assertThat(driver.findElements(By.tagName("h1"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("[role=alert]")).stream().filter(WebElement::isDisplayed))
                .as("no error before the first attempt").isEmpty();
        WebElement username = labelledField("User name", "login:username");
        WebElement password = labelledField("Password", "login:password");
        assertThat(username.getDomAttribute("autocomplete")).isEqualTo("username");
        assertThat(password.getDomAttribute("autocomplete")).isEqualTo("current-password");
        assertThat(password.getDomAttribute("type")).isEqualTo("password");
        assertThat(stylesheetApplied()).as("login.css loaded under the CSP").isTrue();
        screenshot("1-login");
        atPhoneWidth("1-login-phone");

        // 2. Keyboard only: the fields and the button come in reading order, and focus is visible.
        username.click();
        assertThat(activeElementId()).isEqualTo("login:username");
        assertThat(focusOutlineWidth()).as("visible focus on the user name").isNotEqualTo("0px");
        new Actions(driver).sendKeys(DevServer.DEMO_USER).sendKeys(Keys.TAB).perform();
        assertThat(activeElementId()).isEqualTo("login:password");
        new Actions(driver).sendKeys("not-the-password").sendKeys(Keys.TAB).perform();
        assertThat(activeElementId()).isEqualTo("login:submit");
        assertThat(focusOutlineWidth()).as("visible focus on the button").isNotEqualTo("0px");
        screenshot("2-login-keyboard-focus");
        new Actions(driver).sendKeys(Keys.ENTER).perform();

        // 3. The failure is shown in place, announced, above the form; the user name is kept, the password is not.
        WebElement alert = await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertThat(alert.getText()).isEqualTo("The user name or password is incorrect.");
        assertThat(driver.getCurrentUrl()).startsWith(issuer + "/login.xhtml");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Sign in");
        assertThat(alert.getLocation().getY()).as("error above the form")
                .isLessThan(driver.findElement(By.id("login:username")).getLocation().getY());
        assertThat(driver.findElement(By.id("login:username")).getDomProperty("value")).isEqualTo(DevServer.DEMO_USER);
        assertThat(driver.findElement(By.id("login:password")).getDomProperty("value")).isEmpty();
        screenshot("3-login-wrong-password");
        atPhoneWidth("3-login-wrong-password-phone");

        // 4. The right password, sent with Enter from the password field.
        WebElement passwordAgain = driver.findElement(By.id("login:password"));
        passwordAgain.sendKeys(DevServer.DEMO_PASSWORD, Keys.ENTER);
        await(ExpectedConditions.urlToBe(gateway + "/"));
        await(ExpectedConditions.titleContains("Your identity"));
        String page = await(settled -> settled.findElement(By.tagName("main")).getText());
        assertThat(page).contains("Signed in as Demo User").contains(DevServer.DEMO_USER)
                .contains(DevServer.DEMO_USER + "@example.com").contains(issuer).contains("ID token expires");
        assertThat(driver.findElement(By.cssSelector(".brand")).getText()).isEqualTo("EchoID");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Your identity");
        assertThat(stylesheetApplied()).as("the gateway's hashed inline style is allowed by its CSP").isTrue();
        screenshot("4-gateway-home");
        atPhoneWidth("4-gateway-home-phone");

        // 5. Sign out with the page's button (by keyboard); the browser ends on the gateway's signed-out page.
        driver.findElement(By.xpath("//button[normalize-space()='Sign out']")).sendKeys(Keys.ENTER);
        await(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "You are signed out"));
        assertThat(driver.getCurrentUrl()).startsWith(gateway + "/");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Signed out");
        screenshot("5-signed-out");
        driver.get(gateway + "/");
        await(ExpectedConditions.urlContains("/login.xhtml"));
        assertThat(driver.findElement(By.tagName("h1")).getText()).as("signed out: asked to sign in again")
                .isEqualTo("Sign in");

        // 6. The provider's own error page, styled at any depth (its links are resolved against the failed address).
        collectConsole();
        String missing = issuer + "/no/such/page";
        driver.get(missing);
        assertThat(driver.getTitle()).isEqualTo("Page not found · EchoID");
        assertThat(stylesheetApplied()).as("error page styled").isTrue();
        // the one expected console line: Chromium reports the 404 of the page itself
        List<LogEntry> notFound = new ArrayList<>(driver.manage().logs().get(LogType.BROWSER).getAll());
        notFound.removeIf(e -> e.getMessage().startsWith(missing + " - Failed to load resource: the server "
                + "responded with a status of 404"));
        notFound.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .forEach(e -> consoleErrors.add(e.getLevel() + " " + e.getMessage()));
        screenshot("6-provider-not-found");

        collectConsole();
        assertThat(consoleErrors).as("browser console errors").isEmpty();
    }

    @Test
    void personWhenEnrollingAndUsingTwoStepVerificationThenPagesWorkByKeyboardAndNoConsoleErrors()
            throws Exception {
        // a system of its own: enrolling the demo user must not change what other tests meet
        try (DevServer system = DevServer.start(RunningSystem.freshOptions(RunningSystem.temporaryDirectory()))) {
            String gateway = system.options().gateway();
            String issuer = system.options().issuer();
            driver.manage().deleteAllCookies();
            driver.get(gateway + "/");
            await(ExpectedConditions.urlContains("/login.xhtml"));
            labelledField("User name", "login:username").sendKeys(DevServer.DEMO_USER, Keys.TAB);
            new Actions(driver).sendKeys(DevServer.DEMO_PASSWORD).sendKeys(Keys.ENTER).perform();
            await(ExpectedConditions.urlToBe(gateway + "/"));

            // 1. The account page offers two-step verification; the enrolment page shows the QR code and the key.
            driver.get(issuer + "/account.xhtml");
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Your account");
            driver.findElement(By.id("enrol-link")).sendKeys(Keys.ENTER);
            await(ExpectedConditions.urlContains("/enrol.xhtml"));
            assertThat(driver.getTitle()).isEqualTo("Set up two-step verification · EchoID");
            assertThat(driver.findElement(By.cssSelector("svg.qr")).isDisplayed()).isTrue();
            String keyUri = driver.findElement(By.id("key-uri")).getDomProperty("textContent");
            byte[] secret = base32(keyUri.replaceAll(".*[?&]secret=([A-Z2-7]+).*", "$1"));
            WebElement code = labelledField("Code from the app", "enrol:code");
            assertThat(code.getDomAttribute("autocomplete")).isEqualTo("one-time-code");
            assertThat(code.getDomAttribute("inputmode")).isEqualTo("numeric");
            screenshot("7-enrol");
            atPhoneWidth("7-enrol-phone");
            long step = Instant.now().getEpochSecond() / 30;
            code.sendKeys(totp(secret, step), Keys.ENTER);
            await(ExpectedConditions.urlContains("/account.xhtml?enrolled=true"));
            assertThat(driver.findElement(By.id("mfa-status")).getText()).startsWith("On");

            // 2. A new browser session: the password, then the second step, by keyboard.
            driver.manage().deleteAllCookies();
            driver.get(gateway + "/");
            await(ExpectedConditions.urlContains("/login.xhtml"));
            labelledField("User name", "login:username").sendKeys(DevServer.DEMO_USER, Keys.TAB);
            new Actions(driver).sendKeys(DevServer.DEMO_PASSWORD).sendKeys(Keys.ENTER).perform();
            await(ExpectedConditions.urlContains("/mfa.xhtml"));
            assertThat(driver.getTitle()).isEqualTo("Two-step verification · EchoID");
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Two-step verification");
            WebElement second = labelledField("Code", "mfa:code");
            assertThat(second.getDomAttribute("autocomplete")).isEqualTo("one-time-code");
            second.sendKeys("000000".equals(totp(secret, step + 1)) ? "111111" : "000000", Keys.ENTER);
            WebElement alert = await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
            assertThat(alert.getText()).startsWith("The code is not correct");
            screenshot("8-mfa-wrong-code");
            atPhoneWidth("8-mfa-wrong-code-phone");
            // the enrolment used this step's code: the next one
            driver.findElement(By.id("mfa:code")).sendKeys(totp(secret, step + 1), Keys.ENTER);
            await(ExpectedConditions.urlToBe(gateway + "/"));
            assertThat(driver.findElement(By.tagName("main")).getText()).contains("Signed in as Demo User");

            collectConsole();
            assertThat(consoleErrors).as("browser console errors").isEmpty();
        }
    }

    @Test
    void personWhenAskedForConsentThenPageWorksByKeyboardAtPhoneWidthAndDenyGoesBackToTheClient()
            throws IOException {
        DevServer system = RunningSystem.get();
        String gateway = system.options().gateway();
        String issuer = system.options().issuer();
        driver.manage().deleteAllCookies();
        driver.get(gateway + "/");
        await(ExpectedConditions.urlContains("/login.xhtml"));
        labelledField("User name", "login:username").sendKeys(DevServer.DEMO_USER, Keys.TAB);
        new Actions(driver).sendKeys(DevServer.DEMO_PASSWORD).sendKeys(Keys.ENTER).perform();
        await(ExpectedConditions.urlToBe(gateway + "/"));

        // 1. A client asks for offline access with prompt=consent: the consent page, though signed in already.
        String callback = gateway + "/callback";
        driver.get(issuer + "/authorize?response_type=code&client_id=" + DevServer.CLIENT_ID + "&redirect_uri="
                + java.net.URLEncoder.encode(callback, java.nio.charset.StandardCharsets.UTF_8)
                + "&scope=openid%20profile%20offline_access&prompt=consent&state=consent-1");
        await(ExpectedConditions.urlContains("/consent.xhtml"));
        assertThat(driver.getTitle()).isEqualTo("Allow access · EchoID");
        assertThat(driver.findElements(By.tagName("h1"))).hasSize(1);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Allow echo to access your account?");
        assertThat(driver.findElements(By.cssSelector("#scopes li")).stream().map(WebElement::getText))
                .contains("See your name and user name",
                        "Keep this access when you are not signed in: signing out does not end it");
        assertThat(stylesheetApplied()).as("login.css loaded under the CSP").isTrue();
        screenshot("9-consent");
        atPhoneWidth("9-consent-phone");

        // 2. Keyboard only: Allow, then Deny, each with a visible focus ring.
        new Actions(driver).sendKeys(Keys.TAB).perform();
        assertThat(activeElementId()).isEqualTo("consent:allow");
        assertThat(focusOutlineWidth()).as("visible focus on Allow").isNotEqualTo("0px");
        new Actions(driver).sendKeys(Keys.TAB).perform();
        assertThat(activeElementId()).isEqualTo("consent:deny");
        assertThat(focusOutlineWidth()).as("visible focus on Deny").isNotEqualTo("0px");
        screenshot("10-consent-keyboard-focus");
        collectConsole();
        assertThat(consoleErrors).as("browser console errors").isEmpty();

        // 3. Deny: back to the client with access_denied, its state and the issuer, and no code.
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        await(ExpectedConditions.urlContains("error=access_denied"));
        assertThat(driver.getCurrentUrl()).startsWith(callback + "?").contains("state=consent-1")
                .doesNotContain("code=");
        // the gateway did not start this request, so it answers its callback with an error: that line is expected
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().startsWith(callback + "?error=access_denied"))
                .forEach(e -> consoleErrors.add(e.getLevel() + " " + e.getMessage()));
        driver.manage().deleteAllCookies();
        assertThat(consoleErrors).as("browser console errors").isEmpty();
    }

    /** RFC 6238 (HMAC-SHA1, 6 digits), written here rather than taken from the provider. */
    private static String totp(byte[] secret, long step) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA1"));
        byte[] hash = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** Waits for a page; on timeout the failure names where the browser is, what it shows and what it logged. */
    private static <T> T await(Function<WebDriver, T> condition) {
        try {
            // Chromium answers a node replaced by the navigation under way with an "unknown error" (not a stale
            // element): ask again until the page has settled, as for a stale element
            return new WebDriverWait(driver, WAIT).ignoring(WebDriverException.class).until(condition);
        } catch (TimeoutException e) {
            collectConsole();
            throw new AssertionError(e.getMessage().lines().findFirst().orElse("timeout") + "\nat "
                    + driver.getCurrentUrl() + "\nconsole: " + consoleErrors + "\npage: "
                    + driver.findElement(By.tagName("body")).getText(), e);
        }
    }

    /** The field that a real {@code <label for>} names, found through the label as assistive technology does. */
    private static WebElement labelledField(String labelText, String id) {
        WebElement label = driver.findElement(By.xpath("//label[normalize-space()='" + labelText + "']"));
        assertThat(label.getDomAttribute("for")).isEqualTo(id);
        WebElement field = driver.findElement(By.id(id));
        assertThat(field.isDisplayed()).isTrue();
        assertThat(field.getTagName()).isEqualTo("input");
        return field;
    }

    private static String activeElementId() {
        return driver.switchTo().activeElement().getDomAttribute("id");
    }

    private static String focusOutlineWidth() {
        return driver.switchTo().activeElement().getCssValue("outline-width");
    }

    /** A stylesheet blocked by the CSP leaves the body in the browser's default margin of 8px. */
    private static boolean stylesheetApplied() {
        return !"8px".equals(driver.findElement(By.tagName("body")).getCssValue("margin-top"));
    }

    /** The page at 360 px wide: no sideways scrolling, then a screenshot; back to the desktop size afterwards. */
    private void atPhoneWidth(String name) throws IOException {
        driver.manage().window().setSize(PHONE);
        new WebDriverWait(driver, WAIT).until(d -> viewportWidth() <= PHONE.getWidth());
        long scrollWidth = (Long) script("return document.documentElement.scrollWidth;");
        assertThat(scrollWidth).as("%s fits %d px without scrolling sideways", name, PHONE.getWidth())
                .isLessThanOrEqualTo(viewportWidth());
        screenshot(name);
        long pageHeight = (Long) script("return document.documentElement.scrollHeight;");
        long browserUi = (Long) script("return window.outerHeight - window.innerHeight;");
        if (pageHeight > (Long) script("return window.innerHeight;")) {
            // the whole page too, for review: a taller window at the same width
            driver.manage().window().setSize(new Dimension(PHONE.getWidth(), (int) (pageHeight + browserUi)));
            screenshot(name + "-full");
        }
        driver.manage().window().setSize(DESKTOP);
        new WebDriverWait(driver, WAIT).until(d -> viewportWidth() > PHONE.getWidth());
    }

    private static long viewportWidth() {
        return (Long) script("return document.documentElement.clientWidth;");
    }

    // WebDriver's script runs outside the page's CSP: the pages themselves carry no script at all.
    private static Object script(String source) {
        return ((JavascriptExecutor) driver).executeScript(source);
    }

    private static void screenshot(String name) throws IOException {
        collectConsole();
        File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reading the browser log empties it, so each page's entries are kept as they are read. */
    private static void collectConsole() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        consoleErrors.addAll(entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(e -> e.getLevel() + " " + e.getMessage()).collect(Collectors.toList()));
    }

    private static void requireBrowser() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (installed) {
            return;
        }
        String message = "Chromium and ChromeDriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            fail("CI must run the browser test. " + message);
        }
        Assumptions.abort(message);
    }
}
