import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../infra/app-config.ts';

describe('parseAppConfig', () => {
  it('leaves the sender to a deploy-time parameter when senderEmail is not given', () => {
    // Act
    const config = parseAppConfig({});
    // Assess
    expect(config.senderEmail).toBeUndefined();
  });

  it('rejects a sender that is not an email address, saying how to pass one', () => {
    // Act
    const parse = () => parseAppConfig({ senderEmail: 'noreply' });
    // Assess
    expect(parse).toThrow(/senderEmail "noreply" is not an email address: .*-c senderEmail=/);
  });

  it("defaults to no send-rate cap (the account's own SES rate), the ServiceSupervision stack and cdk-nag on", () => {
    // Act
    const config = parseAppConfig({ senderEmail: 'noreply@example.gov.cn' });
    // Assess
    expect(config).toEqual({
      senderEmail: 'noreply@example.gov.cn',
      maxSendRate: undefined,
      stackName: 'ServiceSupervision',
      nag: true,
      publicUrl: undefined,
    });
  });

  it('reads numbers and booleans given as strings on the command line', () => {
    // Act
    const config = parseAppConfig({
      senderEmail: 'noreply@example.gov.cn',
      maxSendRate: '40',
      nag: 'false',
      stackName: 'Nanjing',
    });
    // Assess
    expect(config).toMatchObject({ maxSendRate: 40, nag: false, stackName: 'Nanjing' });
  });

  it('lists every invalid value at once', () => {
    // Act
    const parse = () => parseAppConfig({ senderEmail: 'noreply@example.gov.cn', maxSendRate: '0', stackName: '1st' });
    // Assess
    expect(parse).toThrow(/maxSendRate must be positive[\s\S]*stackName must start with a letter/);
  });

  it('takes the public address of the links as https only, without a trailing slash', () => {
    // Act
    const config = parseAppConfig({ publicUrl: 'https://d111111abcdef8.cloudfront.net/' });
    const plain = () => parseAppConfig({ publicUrl: 'http://d111111abcdef8.cloudfront.net' });

    // Assess
    expect(config.publicUrl).toBe('https://d111111abcdef8.cloudfront.net');
    expect(plain).toThrow(/publicUrl must be an https:\/\/ address/);
  });
});
