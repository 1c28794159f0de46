package io.streamrelay.openai.boundary;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.V1Scripts;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LangChain4j's OpenAI module (dev.langchain4j:langchain4j-open-ai 1.19.0) against /v1 on Payara Micro. Its tool
 * calls come whole one after the other, as OpenAI streams them: LangChain4j 1.19.0's streaming assembler takes a
 * change of index for the end of a call, so interleaved fragments (TOOL_SPLIT, which the OpenAI SDKs assemble)
 * fail inside it with "name cannot be null or blank", whatever the relay does.
 */
@RelayOnPayara
class LangChain4jIT {

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return V1Deployment.of(upstream);
    }

    OpenAiChatModel model(String key, String name) {
        return OpenAiChatModel.builder().baseUrl(base + "v1").apiKey(key).modelName(name).maxRetries(0).build();
    }

    OpenAiChatModel model() {
        return model(V1Deployment.KEY, "deepseek-chat");
    }

    OpenAiStreamingChatModel streaming() {
        return OpenAiStreamingChatModel.builder().baseUrl(base + "v1").apiKey(V1Deployment.KEY)
                .modelName("deepseek-chat").build();
    }

    static final List<ToolSpecification> TOOLS = List.of(
            ToolSpecification.builder().name("get_weather").parameters(JsonObjectSchema.builder()
                    .addStringProperty("city").build()).build(),
            ToolSpecification.builder().name("get_time").parameters(JsonObjectSchema.builder()
                    .addStringProperty("zone").build()).build());

    /** Streams a request; the future completes with the response or the error. */
    CompletableFuture<ChatResponse> stream(ChatRequest request, StringBuilder text) {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming().chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                text.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    @Test
    void streamedAnswerWithExactTextAndUsage() throws Exception {
        StringBuilder text = new StringBuilder();
        ChatResponse response = stream(ChatRequest.builder().messages(UserMessage.from(
                Script.NORMAL.prompt(UUID.randomUUID().toString()))).build(), text).get(20, TimeUnit.SECONDS);
        assertEquals(Script.NORMAL.text(), text.toString());
        assertEquals(Script.NORMAL.text(), response.aiMessage().text());
        assertEquals(Script.PROMPT_TOKENS, response.tokenUsage().inputTokenCount());
        assertEquals(11, response.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.STOP, response.finishReason());
    }

    @Test
    void nonStreamedAnswer() {
        ChatResponse response = model().chat(ChatRequest.builder().messages(UserMessage.from(
                Script.NORMAL.prompt(UUID.randomUUID().toString()))).build());
        assertEquals(Script.NORMAL.text(), response.aiMessage().text());
        assertEquals(Script.PROMPT_TOKENS + 11, response.tokenUsage().totalTokenCount());
    }

    static void assertCalls(ChatResponse response) {
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        assertEquals(2, calls.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], calls.get(i).id());
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[1], calls.get(i).name());
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[2], calls.get(i).arguments());
        }
        assertEquals(FinishReason.TOOL_EXECUTION, response.finishReason());
    }

    @Test
    void twoParallelToolCallsSplitAcrossManyChunksAreAssembledExactly() throws Exception {
        assertCalls(stream(ChatRequest.builder().messages(UserMessage.from(Script.TOOL_SPLIT_SEQUENTIAL.prompt(
                UUID.randomUUID().toString()))).toolSpecifications(TOOLS).build(), new StringBuilder())
                .get(20, TimeUnit.SECONDS));
        assertCalls(model().chat(ChatRequest.builder().messages(UserMessage.from(Script.TOOL_SPLIT_SEQUENTIAL.prompt(
                UUID.randomUUID().toString()))).toolSpecifications(TOOLS).build()));
    }

    @Test
    void toolResultRoundTripReachesTheUpstream() {
        String prompt = Script.TOOL_SPLIT_SEQUENTIAL.prompt(UUID.randomUUID().toString());
        List<ChatMessage> messages = new ArrayList<>(List.of(UserMessage.from(prompt)));
        AiMessage calling = model().chat(ChatRequest.builder().messages(messages).toolSpecifications(TOOLS).build())
                .aiMessage();
        messages.add(calling);
        for (ToolExecutionRequest call : calling.toolExecutionRequests()) {
            messages.add(ToolExecutionResultMessage.from(call, "result of " + call.name()));
        }
        assertEquals(Script.NORMAL.text(), model().chat(ChatRequest.builder().messages(messages)
                .toolSpecifications(TOOLS).build()).aiMessage().text());

        List<ScriptedUpstream.Exchange> exchanges = upstream.exchangesFor(prompt);
        assertEquals(2, exchanges.size());
        JsonArray sent = OpenAiJavaSdkIT.json(exchanges.get(1).body()).getJsonArray("messages");
        assertEquals(List.of("user", "assistant", "tool", "tool"), sent.stream()
                .map(m -> m.asJsonObject().getString("role")).toList());
        for (int i = 0; i < 2; i++) {
            JsonObject call = sent.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(i);
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], call.getString("id"));
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[2], call.getJsonObject("function").getString("arguments"));
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], sent.getJsonObject(2 + i).getString("tool_call_id"));
            assertEquals("result of " + V1Scripts.SPLIT_CALLS.get(i)[1], sent.getJsonObject(2 + i)
                    .getString("content"));
        }
        assertTrue(OpenAiJavaSdkIT.json(exchanges.get(1).body()).containsKey("tools"), "tools passed on");
    }

    @Test
    void anImagePartReachesTheUpstreamUnchanged() throws Exception {
        String prompt = Script.NORMAL.prompt(UUID.randomUUID().toString());
        String data = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        model().chat(ChatRequest.builder().messages(UserMessage.from(TextContent.from(prompt),
                ImageContent.from(data, "image/png", ImageContent.DetailLevel.LOW))).build());
        JsonObject image = OpenAiJavaSdkIT.json(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).body())
                .getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(1);
        assertEquals("data:image/png;base64," + data, image.getJsonObject("image_url").getString("url"));
        assertEquals("low", image.getJsonObject("image_url").getString("detail"));
    }

    @Test
    void wrongKeyIsAnAuthenticationException() {
        AuthenticationException refused = assertThrows(AuthenticationException.class, () -> model("sk-wrong",
                "deepseek-chat").chat(ChatRequest.builder().messages(UserMessage.from("normal: x")).build()));
        assertTrue(refused.getMessage().contains("unauthorized"), refused.getMessage());
    }

    @Test
    void upstreamRateLimitIsARateLimitException() throws Exception {
        RateLimitException whole = assertThrows(RateLimitException.class, () -> model().chat(ChatRequest.builder()
                .messages(UserMessage.from(Script.HTTP429_LONG.prompt(UUID.randomUUID().toString()))).build()));
        assertTrue(whole.getMessage().contains("upstream_rate_limited"), whole.getMessage());
        var streamed = assertThrows(java.util.concurrent.ExecutionException.class, () -> stream(ChatRequest.builder()
                .messages(UserMessage.from(Script.HTTP429_LONG.prompt(UUID.randomUUID().toString()))).build(),
                new StringBuilder()).get(20, TimeUnit.SECONDS));
        assertInstanceOf(RateLimitException.class, streamed.getCause());
    }

    @Test
    void aModelOutsideTheAllowListIsAnInvalidRequestException() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> model(V1Deployment.KEY,
                "gpt-4o").chat(ChatRequest.builder().messages(UserMessage.from("normal: x")).build()));
        assertTrue(refused.getMessage().contains("model_not_allowed"), refused.getMessage());
    }

    @Test
    void anUpstreamErrorMidStreamIsAnError() throws Exception {
        StringBuilder text = new StringBuilder();
        var failed = assertThrows(java.util.concurrent.ExecutionException.class, () -> stream(ChatRequest.builder()
                .messages(UserMessage.from(Script.MIDSTREAM_ERROR.prompt(UUID.randomUUID().toString()))).build(),
                text).get(20, TimeUnit.SECONDS));
        assertEquals(Script.MIDSTREAM_ERROR.text(), text.toString());
        assertTrue(String.valueOf(failed.getCause().getMessage()).contains("upstream_failed"),
                String.valueOf(failed.getCause()));
    }

    /**
     * LangChain4j 1.19.0's cancel stops the callbacks at once, but closes its connection only sometimes (here: within
     * 2 s in one run, not within 10 s in another), so whether the relay learns that the client is gone, and stops
     * the upstream, is up to LangChain4j (the Java and Node SDKs always close it, and there the upstream is closed at
     * once: OpenAiJavaSdkIT, OpenAiNodeSdkIT). docs/openai.md's "Known limits of clients" says so. An earlier form
     * of this test, on a 2 s answer, passed by a race whether or not anything was closed.
     */
    @Test
    void cancellingStopsDelivery() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        AtomicInteger seen = new AtomicInteger();
        streaming().chat(ChatRequest.builder().messages(UserMessage.from(prompt)).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                        if (seen.incrementAndGet() == 3) {
                            context.streamingHandle().cancel();
                        }
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                    }

                    @Override
                    public void onError(Throwable error) {
                    }
                });
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        TimeUnit.SECONDS.sleep(2);
        assertEquals(3, seen.get(), "nothing is delivered after the cancel");
        System.out.println("[measure] LangChain4j's cancel closed the upstream within 2 s: "
                + exchange.closedByRelay.isDone());
    }
}
