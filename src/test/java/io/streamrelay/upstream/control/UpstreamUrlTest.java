package io.streamrelay.upstream.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** User info and query strings in an upstream URL: sent where they belong, shown nowhere. */
class UpstreamUrlTest {

    private static final String PASSWORD = "pw-9c1e77b3d05a";
    private static final String QUERY_KEY = "qk-5e2d90a1c4f7b8";

    @Test
    void anEndpointNamedInALogLineShowsNoUserInfoAndNoQuery() {
        UpstreamSettings.Endpoint endpoint = new UpstreamSettings.Endpoint("primary",
                URI.create("http://relay:" + PASSWORD + "@upstream.example:8000/v1/chat/completions?key=" + QUERY_KEY),
                null, null);
        String shown = endpoint.toString();
        assertFalse(shown.contains(PASSWORD), shown);
        assertFalse(shown.contains(QUERY_KEY), shown);
        assertFalse(shown.contains("relay:"), shown);
        assertEquals("primary http://upstream.example:8000/v1/chat/completions?…", shown);
    }

    @Test
    void userInfoLeavesTheUriAndBecomesBasicAuthenticationWithoutAKey() {
        UpstreamUrl url = UpstreamUrl.parse(" http://relay:" + PASSWORD + "@127.0.0.1:8000/v1/?key=" + QUERY_KEY + " ");
        assertEquals(URI.create("http://127.0.0.1:8000/v1/chat/completions?key=" + QUERY_KEY), url.completions());
        UpstreamSettings.Endpoint endpoint = new UpstreamSettings.Endpoint("primary", url.completions(), null, null,
                url.userInfo());
        assertEquals("Basic " + Base64.getEncoder().encodeToString(("relay:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8)), endpoint.authorization());
        assertTrue(endpoint.secrets().contains(PASSWORD));
        assertTrue(endpoint.secrets().contains(QUERY_KEY));
    }

    @Test
    void aKeyWinsOverUserInfo() {
        UpstreamUrl url = UpstreamUrl.parse("https://relay:" + PASSWORD + "@api.example/v1");
        UpstreamSettings.Endpoint endpoint = new UpstreamSettings.Endpoint("primary", url.completions(), "sk-abc",
                null, url.userInfo());
        assertEquals("Bearer sk-abc", endpoint.authorization());
        assertTrue(endpoint.secrets().contains(PASSWORD), "still never shown");
    }

    @Test
    void aUserWithoutPasswordIsSentWithAnEmptyOne() {
        UpstreamUrl url = UpstreamUrl.parse("http://token@h/v1");
        assertEquals("Basic " + Base64.getEncoder().encodeToString("token:".getBytes(StandardCharsets.UTF_8)),
                new UpstreamSettings.Endpoint("p", url.completions(), null, null, url.userInfo()).authorization());
    }

    @Test
    void plainUrlsAreJoinedAsBefore() {
        assertEquals(URI.create("https://api.deepseek.com/chat/completions"),
                UpstreamUrl.parse("https://api.deepseek.com").completions());
        assertEquals(URI.create("http://localhost:11434/v1/chat/completions"),
                UpstreamUrl.parse("http://localhost:11434/v1///").completions());
        assertNull(UpstreamUrl.parse("http://[::1]:8000/v1").userInfo());
        assertEquals("http://[::1]:8000/v1/chat/completions",
                UpstreamUrl.shown(UpstreamUrl.parse("http://[::1]:8000/v1").completions()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.deepseek.com", "ftp://u:" + PASSWORD + "@h/", "/v1", "http://", "http://u:" + PASSWORD + "@h st/v1"})
    void aUrlThatIsNotHttpIsRefusedWithoutQuotingIt(String url) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse(url));
        assertFalse(refused.getMessage().contains(PASSWORD));
    }

    @Test
    void redactionScrubsThePasswordAndTheQueryKeyFromUpstreamMessages() {
        UpstreamUrl url = UpstreamUrl.parse("http://relay:" + PASSWORD + "@h/v1?key=" + QUERY_KEY + "&api-version=1");
        Redaction redaction = new Redaction(new UpstreamSettings.Endpoint("p", url.completions(), null, null,
                url.userInfo()).secrets().toArray(String[]::new));
        assertEquals("bad password [redacted] for key [redacted], api-version=1",
                redaction.apply("bad password " + PASSWORD + " for key " + QUERY_KEY + ", api-version=1"));
    }
}
