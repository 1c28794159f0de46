package io.streamrelay.servers;

import io.streamrelay.testing.servers.PayaraMicro;
import io.streamrelay.testing.servers.ServerUnderTest;

/** The conformance suite on Payara Micro 6.2025.10 on the build's JDK 17: the whole suite. */
class PayaraMicro6ConformanceIT extends ConformanceSuite {

    @Override
    ServerUnderTest server() {
        return PayaraMicro.six();
    }

    @Override
    boolean fullSuite() {
        return true;
    }
}
