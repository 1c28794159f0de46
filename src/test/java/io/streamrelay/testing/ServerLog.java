package io.streamrelay.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What this JVM has printed since {@link RelayExtension} started the IT class, which includes its Payara Micro's
 * log: Arquillian relays the server's output to {@code System.out} (and failsafe then writes it to
 * {@code failsafe-reports/<class>-output.txt}, but only in large buffered pieces, too late to read during a test).
 */
public final class ServerLog {

    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private static int classStart;

    private ServerLog() {
    }

    /** Copies everything printed from now on; once per JVM, before Arquillian starts relaying. */
    static synchronized void startClass() {
        if (!(System.out instanceof Tee)) {
            System.setOut(new Tee(System.out));
        }
        classStart = CAPTURED.size();
    }

    /** The output since the current IT class started; the server's lines travel through a pipe first. */
    public static synchronized String sinceClassStart() {
        synchronized (CAPTURED) {
            byte[] all = CAPTURED.toByteArray();
            return new String(all, classStart, all.length - classStart, StandardCharsets.UTF_8);
        }
    }

    private static final class Tee extends PrintStream {

        Tee(PrintStream original) {
            super(new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (CAPTURED) {
                        CAPTURED.write(b);
                    }
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    original.write(bytes, offset, length);
                    synchronized (CAPTURED) {
                        CAPTURED.write(bytes, offset, length);
                    }
                }

                @Override
                public void flush() {
                    original.flush();
                }
            }, true, StandardCharsets.UTF_8);
        }
    }
}
