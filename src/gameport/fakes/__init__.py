"""Host fakes of the platform SDKs: FakeBridge handlers that behave like the JavaScript mocks."""
