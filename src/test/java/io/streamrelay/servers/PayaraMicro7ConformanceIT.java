package io.streamrelay.servers;

import io.streamrelay.testing.servers.PayaraMicro;
import io.streamrelay.testing.servers.ServerUnderTest;

/** The conformance suite on Payara Micro 7.2025.1 (Jakarta EE 11) on a JDK 21+ (Temurin 25 on the machine image): the smoke subset. */
class PayaraMicro7ConformanceIT extends ConformanceSuite {

    @Override
    ServerUnderTest server() {
        return PayaraMicro.seven();
    }

    @Override
    boolean fullSuite() {
        return false;
    }
}
