package io.streamrelay.page.boundary;

import io.streamrelay.testing.Transport;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The chat page as a person uses it, and what a test reads back from its DOM. */
final class ChatPage {

    static final Duration BOUND = Duration.ofSeconds(20);

    private final WebDriver browser;
    private final URL base;

    ChatPage(WebDriver browser, URL base) {
        this.browser = browser;
        this.base = base;
    }

    ChatPage open(String query) {
        browser.get(base.toString() + query);
        return this;
    }

    ChatPage use(Transport transport) {
        // The radio itself is visually hidden inside its label, which is what a person clicks.
        browser.findElement(By.xpath("//input[@id='transport-" + transport.name().toLowerCase() + "']/.."))
                .click();
        return this;
    }

    /** Types the text and presses Enter; newlines in it are typed as Shift+Enter. */
    ChatPage ask(String text) {
        WebElement prompt = browser.findElement(By.id("prompt"));
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                prompt.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            }
            if (!lines[i].isEmpty()) {
                prompt.sendKeys(lines[i]);
            }
        }
        prompt.sendKeys(Keys.ENTER);
        return this;
    }

    void stop() {
        browser.findElement(By.id("stop")).click();
    }

    /**
     * The newest answer's state and text, read in one script so the two always belong together: {@code text} is
     * the answer as received (its Markdown source), {@code shown} what the rendered Markdown reads as.
     */
    Snapshot answer() {
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) js().executeScript("""
                const item = [...document.querySelectorAll('#conversation .msg.assistant')].pop();
                if (!item) return null;
                const text = (selector) => item.querySelector(selector)?.textContent ?? null;
                return {state: item.dataset.state, text: text('.source-text'), shown: text('.text'),
                        problem: text('.problem'),
                        notice: text('.notice'), stats: text('.stats'), who: text('.who'),
                        ttft: item.dataset.ttftMs ?? null, rate: item.dataset.tokensPerSecond ?? null};
                """);
        return values == null ? null : new Snapshot(values);
    }

    /** Waits, polling often enough to see a stream mid-way, until the newest answer is in one of the states. */
    Snapshot awaitAnswer(String... states) {
        return until(ignored -> {
            Snapshot answer = answer();
            return answer != null && List.of(states).contains(answer.state()) ? answer : null;
        });
    }

    <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, BOUND, Duration.ofMillis(15)).until(condition);
    }

    String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    boolean enabled(String id) {
        return browser.findElement(By.id(id)).isEnabled();
    }

    JavascriptExecutor js() {
        return (JavascriptExecutor) browser;
    }

    record Snapshot(Map<String, Object> values) {
        String state() {
            return (String) values.get("state");
        }

        String text() {
            return (String) values.get("text");
        }

        String shown() {
            return (String) values.get("shown");
        }

        String problem() {
            return (String) values.get("problem");
        }

        String notice() {
            return (String) values.get("notice");
        }

        String stats() {
            return (String) values.get("stats");
        }

        String who() {
            return (String) values.get("who");
        }

        String ttftMs() {
            return (String) values.get("ttft");
        }

        String tokensPerSecond() {
            return (String) values.get("rate");
        }
    }
}
