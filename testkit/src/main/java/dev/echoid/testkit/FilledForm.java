package dev.echoid.testkit;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * A form as a person submits it: where it goes, and what is sent (its hidden fields, the fields typed in, the button
 * pressed). {@link Browser#submit} posts one; a client with its own HTTP plumbing (the load driver) can too.
 */
public record FilledForm(URI action, Map<String, String> values) {

    /**
     * @param base what the form's action is resolved against (the page's address, as a browser does)
     * @throws IllegalArgumentException when the page has no form with that id, or the form no such button
     */
    public static FilledForm of(String html, URI base, String formId, Map<String, String> fields, String button) {
        Element form = Jsoup.parse(html, base.toString()).getElementById(formId);
        if (form == null) {
            throw new IllegalArgumentException("No form #" + formId);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Element input : form.select("input[type=hidden]")) {
            values.put(input.attr("name"), input.attr("value"));
        }
        values.putAll(fields);
        Element submit = form.selectFirst("[name=\"" + button + "\"]");
        if (submit == null) {
            throw new IllegalArgumentException("No button " + button + " in form #" + formId);
        }
        values.put(submit.attr("name"), submit.attr("value"));
        return new FilledForm(URI.create(form.absUrl("action")), values);
    }

    /** The body of its POST, {@code application/x-www-form-urlencoded}. */
    public String encoded() {
        return Browser.formEncode(values);
    }
}
