package io.streamrelay.testing;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Debian's chromium through its own chromedriver, headless, with every file it writes under {@code dir}: nothing
 * is downloaded (Selenium Manager stays offline) and nothing lands in {@code $HOME}.
 */
public final class Chromium {

    private Chromium() {
    }

    public static ChromeDriver start(Path dir, String... extraArguments) {
        try {
            Files.createDirectories(dir.resolve("xdg-config"));
            Files.createDirectories(dir.resolve("xdg-cache"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromium.driver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .withEnvironment(Map.of(
                        "XDG_CONFIG_HOME", dir.resolve("xdg-config").toString(),
                        "XDG_CACHE_HOME", dir.resolve("xdg-cache").toString(),
                        "SE_OFFLINE", "true",
                        "SE_AVOID_STATS", "true"))
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1100,1100", "--lang=en-US",
                        "--user-data-dir=" + dir.resolve("profile"))
                .addArguments(extraArguments);
        return new ChromeDriver(service, options);
    }
}
