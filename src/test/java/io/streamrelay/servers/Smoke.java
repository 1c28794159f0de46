package io.streamrelay.servers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A conformance check that runs on every server; the others run only where {@link ConformanceSuite#fullSuite()}
 * (Payara Micro 6), to keep the build's time: docs/deploy.md lists which ran where.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface Smoke {
}
