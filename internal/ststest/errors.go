package ststest

import (
	"encoding/xml"
	"fmt"
	"net/http"
)

// Error is an error response of the service: its HTTP status, its code
// (SignatureDoesNotMatch, ExpiredToken, ...) and its message. The server
// records it for the request (see Request.Err).
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errMissingAuth() *Error {
	return &Error{Status: http.StatusForbidden, Code: "MissingAuthenticationToken",
		Message: "Request is missing Authentication Token"}
}

func errIncompleteSignature(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "IncompleteSignature", Message: fmt.Sprintf(format, args...)}
}

func errSignatureMismatch(format string, args ...any) *Error {
	return &Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: fmt.Sprintf(format, args...)}
}

func errUnknownKey(id string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "InvalidClientTokenId",
		Message: fmt.Sprintf("The security token included in the request is invalid (access key %s is unknown).", id)}
}

func errExpired(format string, args ...any) *Error {
	return &Error{Status: http.StatusForbidden, Code: "ExpiredToken", Message: fmt.Sprintf(format, args...)}
}

func errAccessDenied(format string, args ...any) *Error {
	return &Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: fmt.Sprintf(format, args...)}
}

func errInvalidAction(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InvalidAction", Message: fmt.Sprintf(format, args...)}
}

func errValidation(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "ValidationError", Message: fmt.Sprintf(format, args...)}
}

// writeError writes e as the query protocol's XML error document.
func writeError(w http.ResponseWriter, e *Error, requestID string) {
	type errBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	doc := struct {
		XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
		Error     errBody  `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{Error: errBody{Type: "Sender", Code: e.Code, Message: e.Message}, RequestID: requestID}
	b, _ := xml.Marshal(doc)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}
