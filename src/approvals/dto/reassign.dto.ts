import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

export class ReassignDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: 100,
    example: ['7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b'],
    description: 'The steps to move; or give from_user_id instead',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  approval_ids?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    description: 'Move every open (pending or waiting) step named to this user; or give approval_ids instead',
  })
  @IsOptional()
  @IsUUID()
  from_user_id?: string;

  @ApiProperty({
    format: 'uuid',
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'The new approver: an active manager, finance or admin of the organization',
  })
  @IsUUID()
  to_user_id: string;

  @ApiProperty({ example: 'Left the company', minLength: 1, maxLength: 500 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class ReassignResponseDto {
  @ApiProperty({ example: 1, description: 'How many steps were moved' }) reassigned: number;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    example: ['7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b'],
    description: 'The steps moved',
  })
  approval_ids: string[];
}
