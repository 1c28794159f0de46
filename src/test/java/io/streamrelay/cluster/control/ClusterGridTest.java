package io.streamrelay.cluster.control;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.RingbufferConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterGridTest {

    @Test
    void enabledFollowsMicroProfileConfigsBooleanRuleAndAutoFollowsTheGrid() {
        for (String on : List.of("true", "TRUE", "yes", "Y", "on", "1", " on ")) {
            assertTrue(ClusterGrid.wanted(on, false), on);
        }
        for (String off : List.of("false", "no", "off", "0", "n", "")) {
            assertFalse(ClusterGrid.wanted(off, true), off);
        }
        assertTrue(ClusterGrid.wanted("auto", true));
        assertTrue(ClusterGrid.wanted("AUTO", true));
        assertFalse(ClusterGrid.wanted("auto", false));
    }

    @Test
    void aRingConfigTheClusterRejectsKeepsTheClustersOwn() {
        Config conflicting = new Config() {
            @Override
            public Config addRingBufferConfig(RingbufferConfig config) {
                throw new InvalidConfigurationException("Cannot add a dynamic configuration '" + config
                        + "' as there is already a conflicting configuration");
            }
        };
        assertDoesNotThrow(() -> ClusterGrid.addRingConfig(conflicting, new RingbufferConfig("relay-log-*")));
    }
}
