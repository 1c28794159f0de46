/**
 * Settings: the relay's {@code relay.*} keys read through MicroProfile Config where the server has it, and by the
 * same rules (system property, environment variable, the WAR's defaults file) where it does not (TomEE embedded).
 */
package io.streamrelay.settings;
