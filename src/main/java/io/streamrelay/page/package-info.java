/** The chat page and its JavaScript client, served as static files from the WAR's {@code webapp/}. */
package io.streamrelay.page;
