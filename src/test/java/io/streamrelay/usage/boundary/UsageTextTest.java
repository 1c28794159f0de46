package io.streamrelay.usage.boundary;

import io.streamrelay.usage.entity.UsageGroup;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CSV cannot run as a spreadsheet formula: a field starting with = + - @, a tab or a carriage return gets a
 * single quote first (OWASP, "CSV Injection"), then RFC 4180 quoting as for every field.
 */
class UsageTextTest {

    @Test
    void fieldsThatASpreadsheetWouldEvaluateAreQuotedFirst() {
        assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", model("=HYPERLINK(\"x\")"));
        assertEquals("'+1", model("+1"));
        assertEquals("'-1", model("-1"));
        assertEquals("'@SUM(A1)", model("@SUM(A1)"));
        assertEquals("'\tx", model("\tx"));
        assertEquals("\"'\rx\"", model("\rx"));
        assertEquals("\"'=1,2\"", model("=1,2"));
        assertEquals("deepseek-chat", model("deepseek-chat"));
        assertEquals("a=b", model("a=b"));
    }

    private static String model(String model) {
        String line = row(model);
        return line.substring("alice,".length(), line.indexOf(",2026-11-02"));
    }

    private static String row(String model) {
        String csv = UsageText.csv(List.of(new UsageGroup("alice", model, LocalDate.of(2026, 11, 2), 1, 2, 3, 0, 0.5,
                0)));
        return csv.substring(csv.indexOf("\r\n") + 2, csv.length() - 2);
    }
}
