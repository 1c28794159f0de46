package io.streamrelay.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A static {@link ScriptedUpstream} field that {@link RelayExtension} starts before the deployment is built and
 * closes after the class's last test. {@code script}: played whatever the prompt says (a fallback that always
 * answers); by default the prompt picks the script.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Upstream {

    Script[] script() default {};
}
