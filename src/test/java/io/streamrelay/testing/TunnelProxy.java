package io.streamrelay.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy on loopback: {@code CONNECT host:port} (what a client does for an https:// URL through
 * {@code https.proxyHost}) is tunnelled, and a request in absolute form ({@code POST http://host:port/path}, an
 * http:// URL through {@code http.proxyHost}) is forwarded in origin form, each to 127.0.0.1 on that port whatever
 * the host; it records each target, and closes each side when the other ends. A host only it resolves
 * (upstream.test) proves a request came through. A forwarded connection stays with its first target (enough for
 * one upstream).
 */
public final class TunnelProxy implements Closeable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tunnel-proxy");
        t.setDaemon(true);
        return t;
    });
    /** Each CONNECT's target, in order. */
    public final List<String> tunnels = new CopyOnWriteArrayList<>();
    /** Each forwarded connection's first target, in order. */
    public final List<String> forwarded = new CopyOnWriteArrayList<>();

    public TunnelProxy() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> tunnel(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            String head = head(client.getInputStream());
            String[] line = head.split("\r\n", 2)[0].split(" ");
            if (line[1].startsWith("http://")) {
                URI target = URI.create(line[1]);
                forwarded.add(target.getHost() + ":" + target.getPort());
                try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target.getPort())) {
                    String originForm = line[0] + " " + target.getRawPath() + " " + line[2]
                            + head.substring(head.indexOf("\r\n"));
                    upstream.getOutputStream().write(originForm.getBytes(StandardCharsets.ISO_8859_1));
                    threads.execute(() -> pump(upstream, client));
                    pump(client, upstream);
                }
                return;
            }
            if (!line[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            tunnels.add(line[1]);
            int port = Integer.parseInt(line[1].substring(line[1].lastIndexOf(':') + 1));
            try (Socket target = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write("HTTP/1.1 200 Connection Established\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                threads.execute(() -> pump(target, client));
                pump(client, target);
            }
        } catch (IOException gone) {
            // one side left: both are closed
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException gone) {
            // the other direction notices
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request head ended");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
