package io.streamrelay.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of the relay that can break every connection passing through it at once, the
 * way a train entering a tunnel does: the client sees its stream end in the middle.
 */
public final class CuttingProxy implements Closeable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final StringBuffer sent = new StringBuffer();
    private final StringBuffer received = new StringBuffer();
    private final AtomicInteger toDrop = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cutting-proxy");
        t.setDaemon(true);
        return t;
    });

    public CuttingProxy(URL relay) throws IOException {
        target = new InetSocketAddress(relay.getHost(), relay.getPort());
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.execute(this::accept);
    }

    public URL url() throws MalformedURLException {
        return new URL("http://127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** How many connections clients have opened through this proxy so far: first connection plus reconnects. */
    public int accepted() {
        return accepted.get();
    }

    /** Every byte clients sent through this proxy (requests, with their headers), as ISO-8859-1 text. */
    public String sent() {
        return sent.toString();
    }

    /** The next {@code connections} new connections are closed as soon as they are accepted, before any answer. */
    public void dropNext(int connections) {
        toDrop.set(connections);
    }

    /** Every byte the relay sent back through this proxy (heads and bodies), as ISO-8859-1 text. */
    public String received() {
        return received.toString();
    }

    /** Breaks every connection now; new ones go through again. */
    public int cutAll() {
        int cut = 0;
        for (Socket socket : open) {
            try {
                socket.close();
                cut++;
            } catch (IOException ignored) {
                // closed anyway
            }
        }
        open.clear();
        return cut;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                if (toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    client.close();
                    continue;
                }
                Socket relay = new Socket(target.getHostString(), target.getPort());
                client.setTcpNoDelay(true);
                relay.setTcpNoDelay(true);
                open.add(client);
                open.add(relay);
                threads.execute(() -> pipe(client, relay, true));
                threads.execute(() -> pipe(relay, client, false));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                (fromClient ? sent : received).append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException cut) {
            // One side went away: take the other down with it.
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closed anyway
            }
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
        threads.shutdownNow();
    }
}
