package io.streamrelay.testing;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The WAR exactly as {@code mvn package} built it, with test settings appended to its MicroProfile Config
 * defaults (later keys win), so the tests exercise the shipped artifact and not a hand-assembled one. Limits are
 * off unless a test sets them.
 */
public final class Deployments {

    private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    private Deployments() {
    }

    /** The relay in front of this upstream with this key, plus the test's own settings. */
    public static WebArchive relay(ScriptedUpstream upstream, String key, Map<String, String> settings) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("relay.upstream.url", upstream.baseUrl());
        all.put("relay.upstream.api-key", key);
        all.putAll(settings);
        return relay(all);
    }

    public static WebArchive relay(Map<String, String> settings) {
        File war = new File(System.getProperty("relay.test.war", "target/streamrelay.war"));
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(war).as(WebArchive.class);
        StringBuilder config = new StringBuilder();
        try (InputStream defaults = archive.get(CONFIG).getAsset().openStream()) {
            config.append(new String(defaults.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // Limits are AdmissionIT's subject; elsewhere hundreds of requests from one loopback address must not
        // meet them. A test's own settings come later and win.
        config.append("\n# test defaults\n")
                .append("relay.limit.requests-per-minute=0\n")
                .append("relay.limit.streams-per-client=0\n")
                .append("relay.limit.streams-total=0\n")
                // An undeploy drains for relay.drain-ms while generations run; tests end with some running.
                .append("relay.drain-ms=0\n");
        config.append("\n# test settings\n");
        settings.forEach((key, value) -> config.append(key).append('=').append(value).append('\n'));
        archive.delete(CONFIG);
        archive.add(new StringAsset(config.toString()), CONFIG);
        return archive;
    }
}
