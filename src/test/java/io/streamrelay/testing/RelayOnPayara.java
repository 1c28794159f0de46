package io.streamrelay.testing;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An IT against the WAR on Payara Micro: {@link RelayExtension} first (it starts the class's {@link Upstream}
 * fields, which the {@code @Deployment} method then names), then Arquillian, which builds the deployment from
 * that method ({@link Deployments#relay}), boots Payara and injects the base URL
 * ({@code @ArquillianResource URL base}). A {@code @Deployment(testable = false)} runs every test as a client.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RelayExtension.class)
@ExtendWith(ArquillianExtension.class)
public @interface RelayOnPayara {
}
