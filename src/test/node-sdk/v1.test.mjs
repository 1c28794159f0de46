// The official openai npm package against the relay's /v1, run by OpenAiNodeSdkIT (node --test) with
// RELAY_BASE_URL (…/v1), RELAY_KEY and RELAY_TAG; the IT then checks what the scripted upstream received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.RELAY_BASE_URL;
const tag = process.env.RELAY_TAG;
const client = new OpenAI({ baseURL, apiKey: process.env.RELAY_KEY, maxRetries: 0 });
const NORMAL = 'Hello, world! How can I help you today?';
const CALLS = JSON.parse(process.env.RELAY_SPLIT_CALLS);

test('a streamed answer with exact text and usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'deepseek-chat', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: `normal: node-stream-${tag}` }],
  });
  let text = '';
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, NORMAL);
  assert.deepEqual(usage, { prompt_tokens: 17, completion_tokens: 11, total_tokens: 28 });
});

test('a non-streamed answer', async () => {
  const completion = await client.chat.completions.create({
    model: 'deepseek-chat', messages: [{ role: 'user', content: `normal: node-whole-${tag}` }],
  });
  assert.equal(completion.choices[0].message.content, NORMAL);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.total_tokens, 28);
});

function assertCalls(calls) {
  assert.equal(calls.length, 2);
  calls.forEach((call, i) => {
    assert.equal(call.id, CALLS[i][0]);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, CALLS[i][1]);
    assert.equal(call.function.arguments, CALLS[i][2]);
  });
}

test('two parallel tool calls split across many chunks, assembled by the SDK', async () => {
  const runner = client.chat.completions.stream({
    model: 'deepseek-chat', messages: [{ role: 'user', content: `tool-split: node-stream-${tag}` }],
  });
  const completion = await runner.finalChatCompletion();
  assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  assertCalls(completion.choices[0].message.tool_calls);
});

test('the tool-result round trip', async () => {
  const messages = [{ role: 'user', content: `tool-split: node-roundtrip-${tag}` }];
  const calling = await client.chat.completions.create({ model: 'deepseek-chat', messages });
  const message = calling.choices[0].message;
  assertCalls(message.tool_calls);
  messages.push(message);
  for (const call of message.tool_calls) {
    messages.push({ role: 'tool', tool_call_id: call.id, content: `result of ${call.function.name}` });
  }
  const answer = await client.chat.completions.create({ model: 'deepseek-chat', messages });
  assert.equal(answer.choices[0].message.content, NORMAL);
});

test('an image part reaches the upstream (checked by the IT)', async () => {
  await client.chat.completions.create({
    model: 'deepseek-chat',
    messages: [{ role: 'user', content: [
      { type: 'text', text: `normal: node-image-${tag}` },
      { type: 'image_url', image_url: { url: process.env.RELAY_IMAGE, detail: 'high' } },
    ] }],
  });
});

test('a wrong key is an AuthenticationError', async () => {
  const wrong = new OpenAI({ baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(wrong.chat.completions.create({
    model: 'deepseek-chat', messages: [{ role: 'user', content: `normal: node-401-${tag}` }],
  }), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401 && e.code === 'unauthorized');
});

test('an upstream 429 is a RateLimitError with Retry-After, streamed or not', async () => {
  for (const stream of [true, false]) {
    await assert.rejects(async () => {
      const answer = await client.chat.completions.create({
        model: 'deepseek-chat', stream, messages: [{ role: 'user', content: `http429-long: node-${stream}-${tag}` }],
      });
      if (stream) for await (const chunk of answer) { /* drain */ }
    }, (e) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') === '7'
        && e.code === 'upstream_rate_limited');
  }
});

test('a model outside the allow-list is an UnprocessableEntityError', async () => {
  await assert.rejects(client.chat.completions.create({
    model: 'gpt-4o', messages: [{ role: 'user', content: `normal: node-model-${tag}` }],
  }), (e) => e instanceof OpenAI.UnprocessableEntityError && e.code === 'model_not_allowed' && e.param === 'model');
});

test('an upstream error mid-stream is an APIError after the text', async () => {
  let text = '';
  await assert.rejects(async () => {
    const stream = await client.chat.completions.create({
      model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: `midstream-error: node-${tag}` }],
    });
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  }, (e) => e instanceof OpenAI.APIError && e.error?.code === 'upstream_failed');
  assert.equal(text, 'One two three');
});

test('leaving the stream early (checked by the IT: the upstream is closed)', async () => {
  const stream = await client.chat.completions.create({
    model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: `endless: node-early-${tag}` }],
  });
  let seen = 0;
  for await (const chunk of stream) {
    if (++seen === 3) break;
  }
  assert.equal(seen, 3);
});
