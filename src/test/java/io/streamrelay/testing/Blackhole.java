package io.streamrelay.testing;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects neither succeed nor fail: a listening socket that never accepts, its backlog
 * filled by connections of its own, so that Linux drops every further SYN and a client waits until its own
 * connect timeout (or the kernel's, about two minutes) gives up.
 */
public final class Blackhole implements Closeable {

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    public Blackhole() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        for (int i = 0; i < 64; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(server.getLocalSocketAddress(), 300);
                fillers.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return;
            }
        }
        throw new IllegalStateException("the backlog never filled: connects to port " + port() + " still succeed");
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket filler : fillers) {
            filler.close();
        }
        server.close();
    }
}
