package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoModelTest {

    @Test
    void replyQuotesThePromptAndCountsCharactersAndMessages() {
        assertEquals("This is StreamRelay's built-in offline model, answering because no upstream is configured. "
                        + "You wrote \u201cHello 😀\u201d (7 characters, 1 message in the conversation). "
                        + "Each word arrives as its own token, the way a real model streams them. "
                        + "Non-ASCII text travels intact: Grüße, naïve café, 你好，世界, こんにちは, 🚀✨. "
                        + "Set RELAY_UPSTREAM_URL and RELAY_UPSTREAM_API_KEY to relay a real model.",
                DemoModel.reply(request("Hello 😀")));
    }

    @Test
    void replyCountsAllMessagesAndQuotesTheLastUserOne() {
        ChatRequest request = new ChatRequest(List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "first"), new ChatMessage("assistant", "ok"),
                new ChatMessage("user", "second")), null, null, null);
        assertTrue(DemoModel.reply(request).contains("You wrote \u201csecond\u201d (6 characters, 4 messages in the "
                + "conversation)."));
    }

    @Test
    void replyIsDeterministic() {
        assertEquals(DemoModel.reply(request("Tell me a story")), DemoModel.reply(request("Tell me a story")));
    }

    @Test
    void replyContainsNonAsciiFromEveryWidth() {
        String reply = DemoModel.reply(request("hi"));
        // Two-, three- and four-byte UTF-8, so a demo run exercises every split a real stream can have.
        assertTrue(reply.contains("ü"));
        assertTrue(reply.contains("你"));
        assertTrue(reply.contains("🚀"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello", "  spaced   out  ", "你好，世界", "emoji 😀😀 and é", "a\nb\tc", ""})
    void tokensConcatenateBackToTheReplyExactly(String prompt) {
        String reply = DemoModel.reply(request(prompt));
        assertEquals(reply, String.join("", DemoModel.tokens(reply)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "  a", "a ", "Hi 你好", "こんにちは", "x😀y", " \n "})
    void tokensConcatenateBackToAnyTextExactly(String text) {
        assertEquals(text, String.join("", DemoModel.tokens(text)));
    }

    @Test
    void wordsKeepTheirLeadingSpace() {
        assertEquals(List.of("Each", " word", " arrives."), DemoModel.tokens("Each word arrives."));
    }

    @Test
    void cjkCharactersAreSingleTokens() {
        assertEquals(List.of("你", "好", "，", "世", "界"), DemoModel.tokens("你好，世界"));
        assertEquals(List.of("こ", "ん", "に", "ち", "は"), DemoModel.tokens("こんにちは"));
        assertEquals(List.of("カ", "タ"), DemoModel.tokens("カタ"));
    }

    @Test
    void cjkCharacterAfterASpaceCarriesTheSpaceLikeAWord() {
        assertEquals(List.of("Hi", " 你", "好"), DemoModel.tokens("Hi 你好"));
    }

    @Test
    void everyCjkTokenInTheReplyHoldsOneCharacter() {
        for (String token : DemoModel.tokens(DemoModel.reply(request("你好")))) {
            long cjk = token.codePoints().filter(DemoModelTest::isCjk).count();
            if (cjk > 0) {
                assertEquals(1, token.strip().codePointCount(0, token.strip().length()), token);
            }
        }
    }

    @Test
    void tokensNeverSplitASurrogatePair() {
        for (String token : DemoModel.tokens(DemoModel.reply(request("😀 🚀✨ 𠀀")))) {
            assertFalse(Character.isLowSurrogate(token.charAt(0)), token);
            assertFalse(Character.isHighSurrogate(token.charAt(token.length() - 1)), token);
        }
    }

    @Test
    void longPromptIsTruncatedOnACharacterBoundary() {
        String prompt = "a".repeat(119) + "😀" + "tail";
        String reply = DemoModel.reply(request(prompt));
        assertTrue(reply.contains("\u201c" + "a".repeat(119) + "…\u201d")
                || reply.contains("\u201c" + "a".repeat(119) + "😀…\u201d"), reply);
    }

    @Test
    void longPromptIsCutToOneHundredTwentyCharactersWithEllipsis() {
        String reply = DemoModel.reply(request("b".repeat(200)));
        assertTrue(reply.contains("\u201c" + "b".repeat(120) + "…\u201d (200 characters, 1 message"), reply);
    }

    private static boolean isCjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }

    private static ChatRequest request(String prompt) {
        return new ChatRequest(List.of(new ChatMessage("user", prompt)), null, null, null);
    }
}
