import { registryMissingMessage } from "./ContainerRegistry";

test("the missing-registry message names the registry, the owner stack, the key and the fix", () => {
    expect(registryMissingMessage("projectmeats", "prod", "404 Not Found")).toBe(
        'Container registry "projectmeats" was not found. It is created by stack "prod" (projectmeats:accountOwnerStack); run `pulumi up --stack prod` first. Provider said: 404 Not Found',
    );
});
