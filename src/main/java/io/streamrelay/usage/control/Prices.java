package io.streamrelay.usage.control;

import java.util.HashMap;
import java.util.Map;

/**
 * The price table ({@code RELAY_PRICES}: {@code model:input/output,...}, USD per million tokens, e.g.
 * {@code deepseek-chat:0.27/1.10}). A model not in the table costs 0.
 */
public final class Prices {

    private record Price(double input, double output) {
    }

    private final Map<String, Price> byModel;

    private Prices(Map<String, Price> byModel) {
        this.byModel = byModel;
    }

    /** @throws IllegalArgumentException for an entry that is not {@code model:input/output} with numbers */
    public static Prices parse(String table) {
        Map<String, Price> prices = new HashMap<>();
        for (String entry : table.split(",")) {
            String item = entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.lastIndexOf(':');
            int slash = item.indexOf('/', colon + 1);
            if (colon <= 0 || slash < 0) {
                throw new IllegalArgumentException("relay.prices: not model:input/output: " + item);
            }
            double input = Double.parseDouble(item.substring(colon + 1, slash));
            double output = Double.parseDouble(item.substring(slash + 1));
            prices.put(item.substring(0, colon).strip(), new Price(input, output));
        }
        return new Prices(Map.copyOf(prices));
    }

    /** USD for these tokens of this model; 0 when the model has no price. */
    public double cost(String model, long promptTokens, long completionTokens) {
        Price price = model == null ? null : byModel.get(model);
        return price == null ? 0 : (promptTokens * price.input() + completionTokens * price.output()) / 1_000_000d;
    }

    /** USD per output token of this model; 0 when it has no price. */
    public double perOutputToken(String model) {
        return cost(model, 0, 1);
    }
}
