import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** A SCIM list's query (RFC 7644 §3.4.2); read by the SCIM services, which answer SCIM errors. */
export class ScimListQueryDto {
  @ApiPropertyOptional({ example: 'userName eq "bjensen@example.com"', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  filter?: string;

  @ApiPropertyOptional({ example: '1', description: '1-based index of the first result (default 1)' })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  startIndex?: string;

  @ApiPropertyOptional({ example: '100', description: 'Results per page, at most 200 (default 100)' })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  count?: string;

  @ApiPropertyOptional({ example: 'members', description: 'Groups: `members` leaves the members out' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  excludedAttributes?: string;

  @ApiPropertyOptional({ description: 'Accepted and ignored: every attribute is returned', example: 'userName' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  attributes?: string;
}

export class ScimGetQueryDto {
  @ApiPropertyOptional({ example: 'members', description: 'Groups: `members` leaves the members out' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  excludedAttributes?: string;

  @ApiPropertyOptional({ description: 'Accepted and ignored: every attribute is returned', example: 'userName' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  attributes?: string;
}
