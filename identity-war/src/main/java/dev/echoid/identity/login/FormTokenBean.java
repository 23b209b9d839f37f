package dev.echoid.identity.login;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Gives the pages their form's token ({@code #{formToken.value}} in a hidden {@code form_token} field). */
@Named("formToken")
@RequestScoped
public class FormTokenBean {

    @Inject
    FormTokens formTokens;

    public String getValue() {
        return formTokens.expected(SignInCompletion.request()).orElse("");
    }
}
