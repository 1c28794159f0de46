package io.streamrelay.servers;

import io.streamrelay.testing.servers.TomeeEmbedded;
import io.streamrelay.testing.servers.ServerUnderTest;

/** The conformance suite on TomEE 10.0.0-M2 embedded (CXF, OpenWebBeans, no MicroProfile): the smoke subset. */
class TomeeConformanceIT extends ConformanceSuite {

    @Override
    ServerUnderTest server() {
        return new TomeeEmbedded();
    }

    @Override
    boolean fullSuite() {
        return false;
    }
}
